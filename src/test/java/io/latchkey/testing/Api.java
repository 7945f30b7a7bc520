package io.latchkey.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client (the JDK's) pointed at one node, with the headers the API's callers send. */
public final class Api {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final int port;

  public Api(int port) {
    this.port = port;
  }

  /** A request with optional {@code Authorization: Bearer <credential>} and extra header pairs. */
  public HttpResponse<String> send(String method, String path, String bearer, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.setHeader(headers[i], headers[i + 1]);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path, String bearer, String... headers) throws Exception {
    return send("GET", path, bearer, null, headers);
  }

  public HttpResponse<String> post(String path, String bearer, String body, String... headers) throws Exception {
    return send("POST", path, bearer, body, headers);
  }

  public HttpResponse<String> delete(String path, String bearer, String... headers) throws Exception {
    return send("DELETE", path, bearer, null, headers);
  }

  public static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }
}
