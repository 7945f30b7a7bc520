package io.latchkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.session.Tokens;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.LocalCluster;
import io.latchkey.testing.TestCertificates;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered nodes (separate JVMs) whose event bus runs over mutual TLS with throw-away certificates.
 * The event-bus port is spoken to directly with the Vert.x 5 wire format (a 4-byte length, then protocol
 * version 2, the codec, send/publish, address, reply address, sender, headers, body), so that what reaches
 * a node is seen without a second clustered Vert.x: a PING is answered with one byte, a publish on
 * {@code latchkey.session.invalidated} is applied.
 */
class ClusterTlsIT {

  private static final String ME = "/api/v1/user/me";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern EVENT_BUS = Pattern.compile("event bus on 127\\.0\\.0\\.1:(\\d+) over mutual TLS");

  @TempDir
  static Path workDir;

  private static TestCertificates certs;
  private static LocalCluster cluster;

  @BeforeAll
  static void startTwoTlsNodes() throws Exception {
    certs = TestCertificates.create(workDir.resolve("tls"));
    // the safety-net poll is an hour away: whatever is rejected quickly came over the event bus
    cluster = LocalCluster.start(2, TestPostgres.freshDatabase(), workDir, Map.of(
        "REVOCATION_POLL_MS", "3600000",
        "SESSION_CACHE_MAX_STALENESS_MS", "0",
        "CLUSTER_TLS_KEY_PATH", certs.key("node").toString(),
        "CLUSTER_TLS_CERT_PATH", certs.cert("node").toString(),
        "CLUSTER_TLS_TRUST_PATH", certs.ca().toString()));
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      for (int node = 0; node < 2; node++) {
        assertThat(cluster.node(node).output()).as("node %d: nothing refused by the deserialization filter", node)
            .doesNotContain("is not allowed");
      }
      cluster.close();
    }
  }

  @Test
  @DisplayName("a revocation on one node is rejected on the other, broadcast over mutual TLS")
  void revocationsCrossTheTlsEventBus() throws Exception {
    String token = createSession("tls@example.com");
    assertThat(cluster.api(1).get(ME, token).statusCode()).isEqualTo(200);

    assertThat(cluster.api(0).delete("/api/v1/user/sessions/current", token).statusCode()).isEqualTo(204);

    awaitRejected(cluster.api(1), token);
  }

  @Test
  @DisplayName("without the cluster's certificate, or without TLS, nothing is read from the event-bus port")
  void onlyAPeerWithTheTrustedCertificateReachesTheEventBus() throws Exception {
    int port = eventBusPort(1);
    String token = createSession("target@example.com");
    assertThat(cluster.api(1).get(ME, token).statusCode()).isEqualTo(200);
    Buffer frames = ping().appendBuffer(invalidation(token));

    assertThat(exchange(new Socket("127.0.0.1", port), frames)).as("plain TCP").isEqualTo(-1);
    assertThat(exchange(tls(certs.clientContext("rogue"), port), frames)).as("a certificate the CA did not issue")
        .isEqualTo(-1);
    assertThat(cluster.api(1).get(ME, token).statusCode()).as("the invalidation was not applied").isEqualTo(200);

    // the same frames from a peer holding the cluster's certificate: answered and applied
    assertThat(exchange(tls(certs.clientContext("node"), port), frames)).as("PONG").isEqualTo(1);
    awaitRejected(cluster.api(1), token);
  }

  /** Writes the frames and returns the first byte the node answers, or -1 if it closed the connection. */
  private static int exchange(Socket socket, Buffer frames) throws IOException {
    try (socket) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      try {
        socket.getOutputStream().write(frames.getBytes());
        socket.getOutputStream().flush();
        return in.read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the node neither answered nor closed the connection", e);
      } catch (IOException e) {
        return -1; // reset, or the TLS alert that refused our certificate
      }
    }
  }

  private static Socket tls(SSLContext context, int port) throws IOException {
    return context.getSocketFactory().createSocket("127.0.0.1", port);
  }

  private static Buffer ping() {
    return frame((byte) 1, false, "ping", Buffer.buffer());
  }

  /** A publish on latchkey.session.invalidated revoking the token's session, as a node broadcasts it. */
  private static Buffer invalidation(String token) throws Exception {
    JsonObject me = Api.json(cluster.api(1).get(ME, token));
    JsonObject body = new JsonObject().put("v", 1).put("revoked_at_ms", System.currentTimeMillis())
        .put("sessions", new JsonArray().add(new JsonObject()
            .put("session_id", me.getString("session_id"))
            .put("account_id", me.getString("account_id"))
            .put("token_hash", Tokens.hash(token).toBase64())));
    Buffer json = body.toBuffer();
    return frame((byte) 13, true, "latchkey.session.invalidated", Buffer.buffer().appendInt(json.length())
        .appendBuffer(json));
  }

  private static Buffer frame(byte codec, boolean publish, String address, Buffer body) {
    Buffer frame = Buffer.buffer().appendInt(0).appendByte((byte) 2).appendByte(codec)
        .appendByte(publish ? (byte) 1 : (byte) 0);
    string(frame, address);
    frame.appendInt(0); // no reply address
    string(frame, "test-sender");
    frame.appendInt(4); // no headers
    frame.appendBuffer(body);
    return frame.setInt(0, frame.length() - 4);
  }

  private static void string(Buffer frame, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    frame.appendInt(bytes.length).appendBytes(bytes);
  }

  private static int eventBusPort(int node) throws IOException {
    Matcher m = EVENT_BUS.matcher(cluster.node(node).output());
    assertThat(m.find()).as("node %d logs its event bus over mutual TLS", node).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static String createSession(String email) throws Exception {
    HttpResponse<String> created = cluster.api(0).post("/api/v1/internal/sessions", LocalCluster.INTERNAL_KEY,
        new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created).getString("token");
  }

  private static void awaitRejected(Api api, String token) throws Exception {
    Eventually.await(WAIT, () -> api.get(ME, token).statusCode(), status -> status == 401, "the token to be rejected");
  }
}
