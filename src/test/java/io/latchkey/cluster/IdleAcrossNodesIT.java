package io.latchkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.LocalCluster;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idle timeout is "since the last use on any node": two clustered nodes as separate processes, an idle
 * timeout of 2 s, last-seen marks at most every 100 ms written every 100 ms, the expiry sweep every 500 ms.
 */
class IdleAcrossNodesIT {

  private static final String ME = "/api/v1/user/me";
  private static final long IDLE_MS = 2_000;
  private static final long LAG_MS = 200;
  private static final long SWEEP_MS = 500;

  @TempDir
  Path workDir;

  @Test
  @DisplayName("a session kept in use on B is not idle on A, whose own last use is older than the timeout")
  void aSessionInUseOnAnotherNodeIsNotIdle() throws Exception {
    DatabaseTarget database = TestPostgres.freshDatabase();
    try (LocalCluster cluster = LocalCluster.start(2, database, workDir, Map.of(
        "SESSION_IDLE_TIMEOUT_SECONDS", Long.toString(IDLE_MS / 1000),
        "LAST_SEEN_INTERVAL_MS", Long.toString(LAG_MS / 2),
        "LAST_SEEN_FLUSH_MS", Long.toString(LAG_MS / 2),
        "REVOCATION_POLL_MS", Long.toString(SWEEP_MS)))) {
      Api a = cluster.api(0);
      Api b = cluster.api(1);
      HttpResponse<String> created = a.post("/api/v1/internal/sessions", LocalCluster.INTERNAL_KEY, new JsonObject()
          .put("identity", new JsonObject().put("kind", "email").put("subject", "roaming@example.com")).encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String token = Api.json(created).getString("token");
      UUID sessionId = UUID.fromString(Api.json(created).getString("session_id"));
      assertThat(a.get(ME, token).statusCode()).isEqualTo(200);
      long lastUseOnA = System.currentTimeMillis();

      // used only on B, until A's own last use is older than the idle timeout plus PostgreSQL's lag, so that
      // A's cache alone would call it idle, and so would a PostgreSQL that had not heard of B's uses
      List<Integer> onB = new ArrayList<>();
      Eventually.await(Duration.ofMillis(IDLE_MS * 3 + 10_000), () -> {
        onB.add(b.get(ME, token).statusCode());
        return System.currentTimeMillis() - lastUseOnA;
      }, sinceA -> sinceA > IDLE_MS + LAG_MS + SWEEP_MS, "A's last use to be older than the idle timeout");
      long lastUseOnB = System.currentTimeMillis();

      assertThat(onB).as("in use on B all along").containsOnly(200);
      assertThat(a.get(ME, token).statusCode()).as("A asked PostgreSQL, which had B's uses").isEqualTo(200);
      assertThat(revocation(database, sessionId)).isEqualTo("active - -");

      // then left alone everywhere: the sweep revokes it as expired, and both nodes reject it
      Eventually.await(Duration.ofMillis(IDLE_MS + LAG_MS + SWEEP_MS + 10_000), () -> revocation(database, sessionId),
          "revoked expired system"::equals, "the idle session to be revoked as expired");
      assertThat(revokedAtMs(database, sessionId) - lastUseOnB).as("never before the idle timeout")
          .isGreaterThanOrEqualTo(IDLE_MS);
      Eventually.await(Duration.ofSeconds(5), () -> List.of(a.get(ME, token).statusCode(), b.get(ME, token).statusCode()),
          List.of(401, 401)::equals, "both nodes to reject it");
    }
  }

  private static long revokedAtMs(DatabaseTarget database, UUID sessionId) throws Exception {
    try (Connection c = TestPostgres.connect(database); PreparedStatement ps = c.prepareStatement(
        "SELECT floor(extract(epoch FROM revoked_at) * 1000)::bigint FROM latchkey.sessions WHERE session_id = ?")) {
      ps.setObject(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getLong(1);
      }
    }
  }

  /** "status reason by" of the row. */
  private static String revocation(DatabaseTarget database, UUID sessionId) throws Exception {
    try (Connection c = TestPostgres.connect(database); PreparedStatement ps = c.prepareStatement(
        "SELECT status || ' ' || coalesce(revoked_reason, '-') || ' ' || coalesce(revoked_by, '-') "
            + "FROM latchkey.sessions WHERE session_id = ?")) {
      ps.setObject(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }
}
