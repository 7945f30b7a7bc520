package io.latchkey.http;

import static io.latchkey.http.ApiIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.RawHttp;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP contract below the handlers (SPEC §10, issue 18): strict RFC 9112 framing, duplicate credentials,
 * a bound on how long a request head may take, 404 versus 405 with {@code Allow}, and the one accepted form
 * of {@code keep_current}.
 */
class StrictHttpIT {

  private static final String INTERNAL = "strict-internal-key-0123456789";
  private static final String INTROSPECT = "/api/v1/internal/sessions/introspect";
  private static final String BODY = "{\"token\":\"lk_x\"}";
  private static final int HEADER_TIMEOUT_MS = 500;
  private static final Duration LINGER = Duration.ofSeconds(2);

  private static Application node;
  private static Api api;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    node = Application.start(TestConfig.forDatabase(TestPostgres.freshDatabase(), Map.of(
        "INTERNAL_API_KEYS", INTERNAL, "RATE_LIMIT_PUBLIC_PER_SECOND", 0, "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 0,
        "HTTP_HEADER_TIMEOUT_MS", HEADER_TIMEOUT_MS)));
    port = node.httpPort();
    api = new Api(port);
    HttpProbe.awaitReady(port, Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  private static String introspect(String framing) {
    return "POST " + INTROSPECT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + INTERNAL + "\r\n"
        + "Content-Type: application/json\r\n" + framing;
  }

  private static String chunked(String sizeLine) {
    return sizeLine + "\r\n" + BODY + "\r\n0\r\n\r\n";
  }

  private static void assertRefusedAndClosed(RawHttp.Exchange exchange) {
    assertThat(exchange.response().status()).as(exchange.response().bodyText()).isEqualTo(400);
    assertThat(exchange.response().header("content-type")).hasValue("application/problem+json");
    assertThat(new JsonObject(exchange.response().bodyText()).getInteger("status")).isEqualTo(400);
    assertThat(exchange.closed()).as("the connection is closed after the answer").isTrue();
  }

  // ---------------------------------------------------------------------------------------------------
  // Framing

  @Test
  @DisplayName("Content-Length with Transfer-Encoding is 400 and the connection closed (RFC 9112 §6.1: smuggling)")
  void contentLengthWithTransferEncodingIsRefusedAndClosed() throws Exception {
    String hex = Integer.toHexString(BODY.length());

    assertRefusedAndClosed(RawHttp.exchangeThenWatch(port, introspect("Content-Length: " + BODY.length()
        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(hex)), LINGER));
    assertRefusedAndClosed(RawHttp.exchangeThenWatch(port, introspect("Transfer-Encoding: chunked\r\nContent-Length: 4"
        + "\r\n\r\n" + chunked(hex)), LINGER));
  }

  @ParameterizedTest
  @ValueSource(strings = {"chunked, identity", "gzip, chunked", "identity", "gzip", "chunked, chunked", "chunked;q=1",
      "x-custom, chunked"})
  @DisplayName("a transfer coding other than one final chunked is 400 and the connection closed")
  void otherTransferCodingsAreRefusedAndClosed(String coding) throws Exception {
    String hex = Integer.toHexString(BODY.length());

    assertRefusedAndClosed(RawHttp.exchangeThenWatch(port,
        introspect("Transfer-Encoding: " + coding + "\r\n\r\n" + chunked(hex)), LINGER));
  }

  @Test
  void twoTransferEncodingHeadersAreRefusedAndClosed() throws Exception {
    String hex = Integer.toHexString(BODY.length());

    assertRefusedAndClosed(RawHttp.exchangeThenWatch(port,
        introspect("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(hex)), LINGER));
  }

  @Test
  @DisplayName("chunked, any case, frames the body and keeps the connection")
  void plainChunkedIsAccepted() throws Exception {
    String hex = Integer.toHexString(BODY.length());

    RawHttp.Exchange exchange = RawHttp.exchangeThenWatch(port,
        introspect("Transfer-Encoding: Chunked\r\n\r\n" + chunked(hex)), Duration.ofMillis(200));

    assertThat(exchange.response().status()).as(exchange.response().bodyText()).isEqualTo(200);
    assertThat(new JsonObject(exchange.response().bodyText())).isEqualTo(new JsonObject().put("active", false));
    assertThat(exchange.closed()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {";ext=1", ";ext", ";ext=\"quoted value\"", ";a=1;b=2", ";a;b=\"x\";c=tok"})
  @DisplayName("chunk extensions are ignored (RFC 9112 §7.1.1): the body is read and answered")
  void chunkExtensionsAreIgnored(String extension) throws Exception {
    String hex = Integer.toHexString(BODY.length());

    RawHttp.Response response = RawHttp.exchange(port,
        introspect("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked(hex + extension)));

    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
    assertThat(new JsonObject(response.bodyText())).isEqualTo(new JsonObject().put("active", false));
  }

  @ParameterizedTest
  @ValueSource(strings = {";ext=\"unterminated", ";ext=", ";ext=a b", "zz", "-1"})
  @DisplayName("a malformed chunk line is answered 400 and the connection closed, never dropped silently")
  void malformedChunkLinesAreAnswered(String sizeLine) throws Exception {
    String line = sizeLine.startsWith(";") ? Integer.toHexString(BODY.length()) + sizeLine : sizeLine;

    assertRefusedAndClosed(RawHttp.exchangeThenWatch(port,
        introspect("Transfer-Encoding: chunked\r\n\r\n" + chunked(line)), LINGER));
  }

  @Test
  @DisplayName("two Authorization headers are 400 on every tier, whichever of them is valid")
  void duplicateAuthorizationIs400() throws Exception {
    JsonObject session = login("dup-auth@example.com");
    String token = session.getString("token");

    assertProblem(duplicate("POST", INTROSPECT, INTERNAL, BODY), 400);
    assertProblem(duplicate("GET", "/api/v1/user/me", token, null), 400);
    assertProblem(duplicate("GET", "/api/v1/admin/accounts?kind=email&subject=a@example.com", INTERNAL, null), 400);
    RawHttp.Response raw = RawHttp.exchange(port, "GET /api/v1/user/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + token + "\r\nauthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n");
    assertThat(raw.status()).isEqualTo(400);
    assertThat(raw.bodyText()).doesNotContain(token);
    assertThat(api.get("/api/v1/user/me", token).statusCode()).as("one header is fine").isEqualTo(200);
  }

  /** A request with two Authorization headers, the first one carrying {@code bearer}. */
  private static HttpResponse<String> duplicate(String method, String path, String bearer, String body) throws Exception {
    java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Bearer " + bearer)
        .header("Authorization", "Bearer lk_" + "A".repeat(43));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return java.net.http.HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  // ---------------------------------------------------------------------------------------------------
  // Slow clients

  @Test
  @DisplayName("a client trickling its request head is cut off within HTTP_HEADER_TIMEOUT_MS, though never idle")
  void tricklingClientsAreCutOff() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      AtomicBoolean closed = new AtomicBoolean();
      Thread trickle = new Thread(() -> {
        byte[] head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
        try {
          for (int i = 0; !closed.get(); i++) {
            out.write(i < head.length ? head[i] : 'a');
            out.flush();
            Thread.sleep(50);
          }
        } catch (SocketException | InterruptedException e) {
          // the server closed the connection: what the test waits for
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long started = System.nanoTime();
      trickle.start();
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();

      int first;
      try {
        first = in.read();
      } catch (SocketException reset) {
        first = -1;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      closed.set(true);
      trickle.interrupt();
      trickle.join();

      assertThat(first).as("closed by the server, nothing answered").isEqualTo(-1);
      assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(HEADER_TIMEOUT_MS))
          .isLessThan(Duration.ofMillis(HEADER_TIMEOUT_MS * 4L));
    }
  }

  @Test
  @DisplayName("a kept-alive connection may wait longer than the header timeout for its next request")
  void keptAliveConnectionsWaitForTheNextRequest() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      String ping = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
      socket.getOutputStream().write(ping.getBytes(StandardCharsets.US_ASCII));
      assertThat(readStatusLine(socket.getInputStream())).startsWith("HTTP/1.1 200");
      drainHealthz(socket.getInputStream());

      // the client has nothing to send for a while: an idle keep-alive, not a slow head
      Thread.sleep(HEADER_TIMEOUT_MS * 3L);
      socket.getOutputStream().write(ping.getBytes(StandardCharsets.US_ASCII));

      assertThat(readStatusLine(socket.getInputStream())).startsWith("HTTP/1.1 200");
    }
  }

  private static String readStatusLine(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.append((char) b);
    }
    return line.toString();
  }

  /** Reads the rest of a /healthz answer: headers, then the Content-Length body. */
  private static void drainHealthz(InputStream in) throws Exception {
    int length = 0;
    for (String line = readStatusLine(in); !line.isBlank(); line = readStatusLine(in)) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
  }

  // ---------------------------------------------------------------------------------------------------
  // 404 and 405

  @Test
  @DisplayName("an unknown path is 404 whatever the method; a known path with another method is 405 with Allow")
  void unknownPathsAre404AndWrongMethods405WithAllow() throws Exception {
    JsonObject session = login("routes@example.com");
    String token = session.getString("token");

    assertProblem(api.get("/api/v1/nothing", null), 404);
    assertProblem(api.get("/api/v1/user/nothing", token), 404);
    assertProblem(api.get("/api/v1/internal/nothing", INTERNAL), 404);
    assertProblem(api.get("/api/v1/public/nothing", null), 404);
    assertProblem(api.send("POST", "/api/v1/nothing", null, "{}"), 404);
    assertProblem(api.delete("/api/v1/user/nothing", token), 404);

    HttpResponse<String> ping = api.send("POST", "/api/v1/public/ping", null, "{}");
    assertProblem(ping, 405);
    assertThat(ping.headers().firstValue("allow")).hasValue("GET");
    HttpResponse<String> sessions = api.send("PUT", "/api/v1/user/sessions", token, "{}");
    assertProblem(sessions, 405);
    assertThat(sessions.headers().firstValue("allow")).hasValue("GET, DELETE");
    HttpResponse<String> current = api.get("/api/v1/user/sessions/current", token);
    assertProblem(current, 405);
    assertThat(current.headers().firstValue("allow")).hasValue("DELETE");
    HttpResponse<String> health = api.delete("/healthz", null);
    assertProblem(health, 405);
    assertThat(health.headers().firstValue("allow")).hasValue("GET");
    HttpResponse<String> create = api.get("/api/v1/internal/sessions", INTERNAL);
    assertProblem(create, 405);
    assertThat(create.headers().firstValue("allow")).hasValue("POST");
    assertProblem(api.send("POST", INTROSPECT, INTERNAL, "{}", "Content-Type", "text/plain"), 415);
  }

  // ---------------------------------------------------------------------------------------------------
  // keep_current

  @ParameterizedTest
  @ValueSource(strings = {"?keep_current=true&keep_current=true", "?keep_current=true&keep_current=false",
      "?Keep_Current=true", "?KEEP_CURRENT=false", "?keep_current=TRUE", "?keep_current=1", "?keep_current=",
      "?keep_current", "?keep_current=true&Keep_Current=true"})
  @DisplayName("keep_current given twice, in another case or with another value is 400, and nothing is revoked")
  void ambiguousKeepCurrentIsRefused(String query) throws Exception {
    JsonObject other = login("keep-" + Math.abs(query.hashCode()) + "@example.com");
    JsonObject mine = login("keep-" + Math.abs(query.hashCode()) + "@example.com");

    assertProblem(api.delete("/api/v1/user/sessions" + query, mine.getString("token")), 400);

    assertThat(api.get("/api/v1/user/me", other.getString("token")).statusCode()).isEqualTo(200);
    assertThat(api.get("/api/v1/user/me", mine.getString("token")).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("keep_current in a form body is 400, and nothing is revoked: it is a query parameter only")
  void keepCurrentInABodyIsRefused() throws Exception {
    JsonObject other = login("keep-form@example.com");
    JsonObject mine = login("keep-form@example.com");

    assertProblem(api.send("DELETE", "/api/v1/user/sessions", mine.getString("token"), "keep_current=true",
        "Content-Type", "application/x-www-form-urlencoded"), 400);
    assertProblem(api.send("DELETE", "/api/v1/user/sessions?keep_current=true", mine.getString("token"),
        "{\"keep_current\":false}"), 400);

    assertThat(api.get("/api/v1/user/me", other.getString("token")).statusCode()).isEqualTo(200);
    assertThat(api.get("/api/v1/user/me", mine.getString("token")).statusCode()).isEqualTo(200);
  }

  @Test
  void keepCurrentFalseRevokesEverySession() throws Exception {
    JsonObject other = login("keep-false@example.com");
    JsonObject mine = login("keep-false@example.com");

    HttpResponse<String> all = api.delete("/api/v1/user/sessions?keep_current=false", mine.getString("token"));

    assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
    assertThat(Api.json(all)).isEqualTo(new JsonObject().put("revoked", 2));
    assertProblem(api.get("/api/v1/user/me", other.getString("token")), 401);
  }

  private static JsonObject login(String email) throws Exception {
    JsonObject body = new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email));
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", INTERNAL, body.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created);
  }
}
