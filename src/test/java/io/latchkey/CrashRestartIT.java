package io.latchkey;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability across a crash: the packaged node on its embedded PostgreSQL is killed with SIGKILL right
 * after answering revocations, then started again on the same data directory. Every revocation it
 * answered 2xx must still hold, and every session it never revoked must still work. Along the way: a
 * second start on the live node's data directory is refused and harms nothing, and the left-over server
 * is taken over although another client (standing in for the nodes of a cluster) is still connected.
 */
class CrashRestartIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final String INTERNAL = "internal-key-for-crash-tests-0001";
  private static final String ADMIN = "admin-key-for-crash-tests-000001";

  @TempDir
  Path workDir;

  @Test
  @DisplayName("after kill -9 of the node (its PostgreSQL left running) a restart keeps every revocation and every live session")
  void nodeKilledAlone() throws Exception {
    crashAndRestart(false);
  }

  @Test
  @DisplayName("after kill -9 of the node and of its PostgreSQL together (a machine crash) the same holds")
  void nodeAndDatabaseKilledTogether() throws Exception {
    crashAndRestart(true);
  }

  private void crashAndRestart(boolean killDatabaseToo) throws Exception {
    Map<String, String> env = Map.of("DATA_DIR", workDir.resolve("data").toString(), "HTTP_HOST", "127.0.0.1",
        "HTTP_PORT", "0", "INTERNAL_API_KEYS", INTERNAL, "ADMIN_API_KEYS", ADMIN, "ACCESS_LOG", "false");
    List<Session> live = new ArrayList<>();
    List<Session> revoked = new ArrayList<>();
    Connection otherNode = null;
    try (NodeProcess first = NodeProcess.start(workDir, env)) {
      int port = HttpProbe.awaitReady(first.awaitListening(START), START).uri().getPort();
      Api api = new Api(port);
      if (!killDatabaseToo) {
        secondStartIsRefused(env, first, port);
        otherNode = connectToTheEmbeddedServer();
      }
      List<Session> sessions = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        sessions.add(create(api, "crash-" + i + "@example.com"));
      }
      Session second = create(api, "crash-0@example.com");
      sessions.add(second);

      // three ways to revoke, each answered before the next request is sent
      assertThat(api.delete("/api/v1/user/sessions/current", sessions.get(0).token()).statusCode()).isEqualTo(204);
      assertThat(api.delete("/api/v1/admin/sessions/" + sessions.get(1).id(), ADMIN).statusCode()).isEqualTo(204);
      HttpResponse<String> all = api.post("/api/v1/admin/accounts/" + sessions.get(2).account() + "/sessions/revoke",
          ADMIN, null);
      assertThat(Api.json(all).getInteger("revoked")).isEqualTo(1);
      // the last one: the kill follows its 204 at once
      assertThat(api.delete("/api/v1/user/sessions/" + second.id(), sessions.get(3).token()).statusCode())
          .as("someone else's session").isEqualTo(404);
      revoked.addAll(sessions.subList(0, 3));
      HttpResponse<String> last = api.delete("/api/v1/user/sessions/current", second.token());
      assertThat(last.statusCode()).isEqualTo(204);
      revoked.add(second);
      assertThat(first.output()).doesNotContain(password());
      long postgres = postmasterPid();
      first.kill();
      if (killDatabaseToo) {
        ProcessHandle server = ProcessHandle.of(postgres).orElseThrow();
        server.destroyForcibly();
        server.onExit().get();
      } else {
        assertThat(ProcessHandle.of(postgres)).as("the embedded PostgreSQL outlives its node").isPresent();
      }
      live.addAll(sessions.subList(3, sessions.size() - 1));
    }

    try (Connection client = otherNode; NodeProcess second = NodeProcess.start(workDir, env)) {
      Api api = new Api(HttpProbe.awaitReady(second.awaitListening(START), START).uri().getPort());
      for (Session session : revoked) {
        assertThat(api.get("/api/v1/user/me", session.token()).statusCode()).as("revoked before the crash").isEqualTo(401);
      }
      for (Session session : live) {
        HttpResponse<String> me = api.get("/api/v1/user/me", session.token());
        assertThat(me.statusCode()).as("never revoked").isEqualTo(200);
        assertThat(Api.json(me).getString("session_id")).isEqualTo(session.id());
      }
      assertThat(api.get("/api/v1/internal/sessions/" + revoked.get(1).id(), INTERNAL).body())
          .contains("\"status\":\"revoked\"");
      if (!killDatabaseToo) {
        assertThat(second.output()).contains("stopping it with a fast shutdown");
        assertThat(client.isValid(2)).as("the left-over server's client was disconnected").isFalse();
      }
      assertThat(second.output()).doesNotContain(password());
      assertThat(second.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    }
  }

  /**
   * Runs the same command again in the same directory while the node is up: the second process exits 1
   * at once naming the directory and the live node's pid, the embedded server is untouched, and the
   * node still writes and is ready.
   */
  private void secondStartIsRefused(Map<String, String> env, NodeProcess first, int port) throws Exception {
    String postmaster = Files.readString(workDir.resolve("data/postgres/postmaster.pid"));
    assertThat(Files.readString(workDir.resolve("data/latchkey.lock")).strip()).isEqualTo(Long.toString(first.pid()));
    try (NodeProcess intruder = NodeProcess.start(workDir, env)) {
      assertThat(intruder.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(intruder.output()).contains("DATA_DIR " + workDir.resolve("data") + " is in use")
          .contains("pid " + first.pid()).doesNotContain("listening");
    }
    assertThat(Files.readString(workDir.resolve("data/postgres/postmaster.pid"))).isEqualTo(postmaster);
    assertThat(Files.readString(workDir.resolve("data/latchkey.lock")).strip()).isEqualTo(Long.toString(first.pid()));
    create(new Api(port), "after-second-start@example.com");
    assertThat(HttpProbe.get(port, "/readyz").statusCode()).isEqualTo(200);
  }

  /** A client of the node's PostgreSQL that is not the node, as nodes 2 and 3 of the README's cluster. */
  private Connection connectToTheEmbeddedServer() throws Exception {
    int port = Integer.parseInt(Files.readAllLines(workDir.resolve("data/postgres/postmaster.pid")).get(3).trim());
    Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
        "postgres", password());
    assertThat(connection.isValid(2)).isTrue();
    return connection;
  }

  /** A failed test must not leave a PostgreSQL server running behind it. */
  @AfterEach
  void stopLeftOverDatabase() throws Exception {
    if (Files.exists(workDir.resolve("data/postgres/postmaster.pid"))) {
      ProcessHandle.of(postmasterPid()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** The embedded server's password, which every client needs and no log may show. */
  private String password() throws Exception {
    return Files.readString(workDir.resolve("data/postgres.password")).strip();
  }

  private long postmasterPid() throws Exception {
    return Long.parseLong(Files.readAllLines(workDir.resolve("data/postgres/postmaster.pid")).get(0).trim());
  }

  private static Session create(Api api, String email) throws Exception {
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", INTERNAL,
        new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)).encode());
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject body = Api.json(created);
    return new Session(body.getString("token"), body.getString("session_id"), body.getString("account_id"));
  }

  private record Session(String token, String id, String account) {}
}
