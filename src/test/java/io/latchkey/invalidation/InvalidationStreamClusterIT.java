package io.latchkey.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.session.SessionStore;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.NodeProcess;
import io.latchkey.testing.SseClient;
import io.latchkey.testing.SseClient.Message;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §5c's guarantee where it spans processes: two nodes (separate JVMs, the packaged jar) on one
 * PostgreSQL, no cluster between them. A client streams from B while A revokes; B is killed; A revokes more,
 * disables and erases; the client resumes from A, and from B restarted, with the last id it had, and gets
 * everything it missed. Then the retention prune passes the client's oldest cursor, and B answers it with a
 * reset, in both representations.
 */
class InvalidationStreamClusterIT {

  private static final String INTERNAL = "stream-cluster-internal-key-0123";
  private static final String ADMIN = "stream-cluster-admin-key-0123";
  private static final String PATH = "/api/v1/internal/invalidations";
  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path workDir;

  @Test
  @DisplayName("a client resuming with its last id, on the other node or on a restarted one, misses nothing; past the retention it is told to reset")
  void noLossAcrossNodesAndRestarts() throws Exception {
    DatabaseTarget database = TestPostgres.freshDatabase();
    Map<String, String> env = Map.of(
        "DATABASE_URL", database.url(),
        "HTTP_HOST", "127.0.0.1",
        "HTTP_PORT", "0",
        "HTTP_INSTANCES", "2",
        "INTERNAL_API_KEYS", INTERNAL,
        "ADMIN_API_KEYS", ADMIN,
        "REVOCATION_POLL_MS", "1000",
        "INVALIDATION_STREAM_HEARTBEAT_MS", "500");
    NodeProcess nodeA = NodeProcess.start(workDir, env);
    NodeProcess nodeB = NodeProcess.start(workDir, env);
    NodeProcess nodeB2 = null;
    try {
      int portA = ready(nodeA);
      int portB = ready(nodeB);
      Api a = new Api(portA);

      List<JsonObject> before = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        before.add(login(a, "before-" + i + "@example.com"));
      }
      List<JsonObject> after = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        after.add(login(a, "after-" + i + "@example.com"));
      }
      JsonObject disabled1 = login(a, "disabled@example.com");
      JsonObject disabled2 = login(a, "disabled@example.com");
      JsonObject erased1 = login(a, "erased@example.com");
      JsonObject erased2 = login(a, "erased@example.com");
      JsonObject bySql = login(a, "by-sql@example.com");

      String start;
      String last;
      try (SseClient onB = SseClient.connect(portB, PATH, "Authorization", "Bearer " + INTERNAL)) {
        start = onB.next(WAIT, Message::isIdOnly).id();
        for (JsonObject s : before) {
          assertThat(a.delete("/api/v1/admin/sessions/" + s.getString("session_id"), ADMIN).statusCode()).isEqualTo(204);
        }
        Set<String> wanted = ids(before);
        onB.eventsUntil(WAIT, so -> new HashSet<>(InvalidationStreamIT.sessionIds(so)).containsAll(wanted));
        last = onB.lastEventId();
      }
      nodeB.kill();

      assertThat(a.delete("/api/v1/admin/sessions/" + after.get(0).getString("session_id"), ADMIN).statusCode()).isEqualTo(204);
      assertThat(a.delete("/api/v1/user/sessions/current", after.get(1).getString("token")).statusCode()).isEqualTo(204);
      assertThat(a.post("/api/v1/admin/accounts/" + disabled1.getString("account_id") + "/disable", ADMIN, null)
          .statusCode()).isEqualTo(200);
      assertThat(a.delete("/api/v1/admin/accounts/" + erased1.getString("account_id"), ADMIN).statusCode()).isEqualTo(204);
      try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
        s.execute("UPDATE latchkey.sessions SET status = 'revoked', revoked_at = now() WHERE session_id = '"
            + bySql.getString("session_id") + "'");
      }
      Set<String> missed = ids(List.of(after.get(0), after.get(1), disabled1, disabled2, erased1, erased2, bySql));

      try (SseClient onA = SseClient.connect(portA, PATH, "Authorization", "Bearer " + INTERNAL, "Last-Event-ID", last)) {
        assertThat(onA.status()).isEqualTo(200);
        onA.eventsUntil(WAIT, so -> new HashSet<>(InvalidationStreamIT.sessionIds(so)).containsAll(missed));
      }

      nodeB2 = NodeProcess.start(workDir, env);
      int portB2 = ready(nodeB2);
      try (SseClient onB = SseClient.connect(portB2, PATH, "Authorization", "Bearer " + INTERNAL, "Last-Event-ID", last)) {
        assertThat(onB.status()).isEqualTo(200);
        onB.eventsUntil(WAIT, so -> new HashSet<>(InvalidationStreamIT.sessionIds(so)).containsAll(missed));
      }
      Set<String> everything = new HashSet<>(missed);
      everything.addAll(ids(before));
      Set<String> polled = new HashSet<>();
      String next = start;
      for (int page = 0; page < 20; page++) {
        JsonObject body = poll(portB2, next);
        polled.addAll(InvalidationStreamIT.sessionIds(body));
        if (body.getJsonArray("events").isEmpty()) {
          break;
        }
        next = body.getString("next");
      }
      assertThat(polled).as("the JSON pages of the restarted node, from the first cursor").containsAll(everything);

      // the retention passes every entry: a cursor from before is answered with a reset (B restarted after it,
      // so it has none of them in memory and asks PostgreSQL)
      assertThat(prune(database)).isGreaterThanOrEqualTo(everything.size());
      JsonObject reset = poll(portB2, start);
      assertThat(reset.getJsonArray("events")).hasSize(1);
      JsonObject event = reset.getJsonArray("events").getJsonObject(0);
      assertThat(event.getString("type")).isEqualTo("reset");
      assertThat(event.getString("reason")).isEqualTo("history-pruned");
      assertThat(event.getString("id")).isEqualTo(reset.getString("next"));
      assertThat(poll(portB2, reset.getString("next")).getJsonArray("events")).as("nothing to reset after a reset")
          .isEmpty();
      try (SseClient onB = SseClient.connect(portB2, PATH, "Authorization", "Bearer " + INTERNAL, "Last-Event-ID", last)) {
        Message first = onB.next(WAIT, Message::isEvent);
        assertThat(first.event()).isEqualTo("reset");
        assertThat(new JsonObject(first.data()).getString("reason")).isEqualTo("history-pruned");
        assertThat(first.id()).isNotEmpty();
        JsonObject later = login(a, "after-reset@example.com");
        assertThat(a.delete("/api/v1/admin/sessions/" + later.getString("session_id"), ADMIN).statusCode()).isEqualTo(204);
        onB.eventsUntil(WAIT, so -> InvalidationStreamIT.sessionIds(so).contains(later.getString("session_id")));
      }
    } finally {
      nodeA.close();
      nodeB.close();
      if (nodeB2 != null) {
        nodeB2.close();
      }
    }
  }

  private static int ready(NodeProcess node) throws Exception {
    int port = node.awaitListening(START);
    HttpProbe.awaitReady(port, START);
    return port;
  }

  private static JsonObject login(Api api, String email) throws Exception {
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", INTERNAL,
        new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created);
  }

  private static JsonObject poll(int port, String after) throws Exception {
    HttpResponse<String> page = new Api(port).get(PATH + "?after=" + after + "&limit=1000", INTERNAL);
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    return Api.json(page);
  }

  private static Set<String> ids(List<JsonObject> sessions) {
    Set<String> ids = new HashSet<>();
    sessions.forEach(s -> ids.add(s.getString("session_id")));
    return ids;
  }

  /** The nodes' own retention prune, with a retention of nothing: every entry goes, the horizon past them all. */
  private static int prune(DatabaseTarget database) {
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(database.connectOptions("latchkey", Duration.ofSeconds(5))).using(vertx)
        .build();
    try {
      return SessionStore.create(pool).pruneRevocationLog(Duration.ZERO, 1_000_000).await();
    } finally {
      vertx.close().await();
    }
  }
}
