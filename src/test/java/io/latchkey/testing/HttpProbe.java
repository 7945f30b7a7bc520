package io.latchkey.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client (the JDK's) for tests that look at a node from outside, as a load balancer would. */
public final class HttpProbe {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private HttpProbe() {}

  public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5))
        .GET()
        .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Polls {@code /readyz} until it answers 200. */
  public static HttpResponse<String> awaitReady(int port, Duration timeout) throws Exception {
    return Eventually.await(timeout, () -> get(port, "/readyz"), r -> r.statusCode() == 200, "/readyz 200");
  }
}
