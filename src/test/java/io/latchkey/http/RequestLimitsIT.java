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
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a request may send before the router sees it: sizes of the request line and headers, and well-formedness. */
class RequestLimitsIT {

  private static final String PING = "/api/v1/public/ping";

  private static Application node;
  private static Api api;
  private static final int IDLE_SECONDS = 1;

  @BeforeAll
  static void start() throws Exception {
    node = Application.start(TestConfig.forDatabase(TestPostgres.freshDatabase(), Map.of(
        "HTTP_MAX_HEADER_BYTES", 2048, "HTTP_MAX_INITIAL_LINE_BYTES", 1024, "RATE_LIMIT_PUBLIC_PER_SECOND", 0,
        "HTTP_IDLE_TIMEOUT_SECONDS", IDLE_SECONDS)));
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @Test
  @DisplayName("a request left half-sent does not hold its connection: it is closed after HTTP_IDLE_TIMEOUT_SECONDS")
  void halfSentRequestsAreClosedWhenIdle() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.httpPort())) {
      socket.setSoTimeout(IDLE_SECONDS * 1000 * 10);
      long started = System.nanoTime();
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();

      assertThat(socket.getInputStream().read()).as("closed by the server, nothing answered").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(IDLE_SECONDS * 900L));
    }
  }

  @Test
  void headersWithinTheLimitPass() throws Exception {
    assertThat(api.get(PING, null, "X-Padding", "a".repeat(1500)).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a header section over HTTP_MAX_HEADER_BYTES is 431 problem+json, one big header or many small")
  void headersOverTheLimitAre431() throws Exception {
    HttpResponse<String> oneBig = api.get(PING, null, "X-Padding", "a".repeat(3000));
    String[] manySmall = new String[2 * 40];
    for (int i = 0; i < 40; i++) {
      manySmall[2 * i] = "X-Padding-" + i;
      manySmall[2 * i + 1] = "a".repeat(60);
    }

    assertProblem(oneBig, 431);
    assertThat(Api.json(oneBig).getString("detail")).contains("2048 bytes");
    assertProblem(api.get(PING, null, manySmall), 431);
    assertThat(api.get(PING, null).statusCode()).as("the server goes on").isEqualTo(200);
  }

  @Test
  void aRequestLineOverTheLimitIs414() throws Exception {
    assertThat(api.get(PING + "?q=" + "a".repeat(900), null).statusCode()).isEqualTo(200);

    HttpResponse<String> tooLong = api.get(PING + "?q=" + "a".repeat(1100), null);

    assertProblem(tooLong, 414);
    assertThat(Api.json(tooLong).getString("detail")).contains("1024 bytes");
  }

  /**
   * A client sends its whole request before it reads (the JDK's client does): the answer to a request refused
   * for its head arrives while the body is still coming. Were the connection closed at once, the body's next
   * bytes would meet a closed socket, whose reset can destroy the answer before the client reads it (seen in
   * HostileInputIT as a POST answered by nothing). So the server half-closes and drains what still comes.
   */
  @Test
  @DisplayName("after refusing a request line, the server reads the rest of what the client sends instead of resetting")
  void aRefusedRequestsBodyIsDrainedNotReset() throws Exception {
    byte[] body = new byte[256 * 1024];
    try (Socket socket = new Socket("127.0.0.1", node.httpPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("POST " + PING + "?q=" + "a".repeat(1100) + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      RawHttp.Response refused = RawHttp.read(socket);
      assertThat(refused.status()).isEqualTo(414);
      assertThat(socket.getInputStream().read()).as("the answer is followed by the end of the stream").isEqualTo(-1);

      // the server has stopped writing; the rest of the request still goes in without a reset
      for (int sent = 0; sent < body.length; sent += 8192) {
        socket.getOutputStream().write(body, sent, 8192);
        socket.getOutputStream().flush();
      }
      socket.shutdownOutput();
    }
  }

  @Test
  @DisplayName("a body refused for its declared length before it is read is drained; the connection serves the next request")
  void anEarly413KeepsTheConnectionUsable() throws Exception {
    byte[] body = new byte[64 * 1024];
    try (Socket socket = new Socket("127.0.0.1", node.httpPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("POST /api/v1/internal/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(RawHttp.read(socket).status()).isEqualTo(413);

      socket.getOutputStream().write(body);
      socket.getOutputStream().write(("GET " + PING + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(RawHttp.read(socket).status()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "GET /api/v1/public/ping HTTP/1.1\r\nHost: x\r\nNo-Colon-Here\r\n\r\n",
      "GET /api/v1/public/ping HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n",
      "GARBAGE\r\n\r\n",
      "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n",
      "\u00ff\u00fe\u0001\r\n\r\n",
      "POST /api/v1/internal/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "POST /api/v1/internal/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy"})
  @DisplayName("malformed HTTP is a 400 problem+json")
  void malformedRequestsAre400(String request) throws Exception {
    RawHttp.Response response = RawHttp.exchange(node.httpPort(), request);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.header("content-type")).hasValue("application/problem+json");
    assertThat(new JsonObject(response.bodyText()).getInteger("status")).isEqualTo(400);
  }

  @Test
  @DisplayName("an h2c upgrade request gets the same answers as any HTTP/1.1 request (cleartext HTTP/2 is off)")
  void cleartextHttp2UpgradesAreIgnored() throws Exception {
    String upgrade = "Host: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n";

    RawHttp.Response big = RawHttp.exchange(node.httpPort(),
        "GET " + PING + " HTTP/1.1\r\n" + upgrade + "X-Padding: " + "a".repeat(3000) + "\r\n\r\n");
    RawHttp.Response small = RawHttp.exchange(node.httpPort(),
        "GET " + PING + " HTTP/1.1\r\n" + upgrade + "Connection: close\r\n\r\n");

    assertThat(big.status()).isEqualTo(431);
    assertThat(big.header("content-type")).hasValue("application/problem+json");
    assertThat(small.status()).as(small.toString()).isEqualTo(200);
    assertThat(api.get(PING, null).version()).as("the JDK client asks for h2c, and is answered in HTTP/1.1")
        .isEqualTo(HttpClient.Version.HTTP_1_1);
  }
}
