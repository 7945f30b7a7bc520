package io.latchkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.LocalCluster;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real clustered nodes: separate JVMs on loopback (Hazelcast TCP-IP join), one shared PostgreSQL. */
class ClusterIT {

  private static final String ME = "/api/v1/user/me";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path workDir;

  @Test
  @DisplayName("revocations reach every node by broadcast, and the rest of the cluster carries on after a kill -9")
  void revocationsReachEveryNodeAndSurviveAKilledNode() throws Exception {
    DatabaseTarget database = TestPostgres.freshDatabase();
    // the safety-net poll is an hour away: whatever is rejected quickly was rejected by the broadcast
    // (and so the staleness bound, which counts from polls, is off)
    try (LocalCluster cluster = LocalCluster.start(3, database, workDir,
        Map.of("REVOCATION_POLL_MS", "3600000", "SESSION_CACHE_MAX_STALENESS_MS", "0"))) {
      Api a = cluster.api(0);

      // one session, revoked on A, rejected on B and C
      String token = createSession(a, "one@example.com");
      assertValidEverywhere(cluster, token, 0, 1, 2);
      long sent = System.nanoTime();
      assertThat(a.delete("/api/v1/user/sessions/current", token).statusCode()).isEqualTo(204);
      for (int node : new int[] {1, 2}) {
        awaitRejected(cluster.api(node), token);
        System.out.printf("revoke-one on A rejected on node %d after %.1f ms%n", node, (System.nanoTime() - sent) / 1e6);
      }

      // all sessions of an account, revoked by an admin on A, rejected on B and C
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        tokens.add(createSession(a, "many@example.com"));
      }
      for (String t : tokens) {
        assertValidEverywhere(cluster, t, 1, 2);
      }
      String account = Api.json(a.get(ME, tokens.get(0))).getString("account_id");
      sent = System.nanoTime();
      HttpResponse<String> revokeAll = a.post("/api/v1/admin/accounts/" + account + "/sessions/revoke",
          LocalCluster.ADMIN_KEY, null);
      assertThat(Api.json(revokeAll).getInteger("revoked")).isEqualTo(3);
      for (String t : tokens) {
        awaitRejected(cluster.api(1), t);
        awaitRejected(cluster.api(2), t);
      }
      System.out.printf("revoke-all on A rejected on B and C after %.1f ms%n", (System.nanoTime() - sent) / 1e6);

      // a revocation whose broadcast never happened (written straight to PostgreSQL), cached on B...
      String missed = createSession(a, "missed@example.com");
      assertValidEverywhere(cluster, missed, 1);
      revokeBehindTheClustersBack(database, missed, cluster.api(1));
      assertThat(cluster.api(1).get(ME, missed).statusCode()).as("no broadcast, no poll yet").isEqualTo(200);

      // ...then C dies without a word: A and B keep serving, and the membership change makes B catch up
      cluster.node(2).kill();
      long killed = System.nanoTime();
      awaitRejected(cluster.api(1), missed);
      System.out.printf("membership change: B caught up with the missed revocation %.1f ms after the kill%n",
          (System.nanoTime() - killed) / 1e6);

      String after = createSession(a, "after@example.com");
      assertValidEverywhere(cluster, after, 0, 1);
      assertThat(cluster.api(1).delete("/api/v1/user/sessions/current", after).statusCode()).isEqualTo(204);
      awaitRejected(a, after);
      Eventually.await(WAIT, () -> HttpProbe.get(cluster.httpPort(0), "/readyz"),
          r -> r.statusCode() == 200 && r.body().contains("\"members\":2"), "A ready in a two-member cluster");
      for (int node : new int[] {0, 1}) {
        assertThat(cluster.node(node).output()).as("node %d: nothing refused by the deserialization filter", node)
            .doesNotContain("is not allowed");
      }
    }
  }

  @Test
  @DisplayName("a revocation whose broadcast was lost is rejected on every node within the poll interval + 1 s")
  void aLostBroadcastIsCaughtByTheSafetyNet() throws Exception {
    DatabaseTarget database = TestPostgres.freshDatabase();
    long pollMs = 1000;
    try (LocalCluster cluster = LocalCluster.start(2, database, workDir,
        Map.of("REVOCATION_POLL_MS", Long.toString(pollMs)))) {
      for (int round = 0; round < 3; round++) {
        String token = createSession(cluster.api(0), "lost" + round + "@example.com");
        assertValidEverywhere(cluster, token, 0, 1);

        long revoked = revokeBehindTheClustersBack(database, token, cluster.api(0));
        for (int node : new int[] {0, 1}) {
          awaitRejected(cluster.api(node), token);
          long delayMs = (System.nanoTime() - revoked) / 1_000_000;
          System.out.printf("lost broadcast, round %d: node %d rejected after %d ms%n", round, node, delayMs);
          assertThat(delayMs).as("the documented bound: REVOCATION_POLL_MS + 1 s").isLessThanOrEqualTo(pollMs + 1000);
        }
      }
    }
  }

  private static String createSession(Api api, String email) throws Exception {
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", LocalCluster.INTERNAL_KEY,
        new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created).getString("token");
  }

  /** Validates the token on each node, which also caches it there. */
  private static void assertValidEverywhere(LocalCluster cluster, String token, int... nodes) throws Exception {
    for (int node : nodes) {
      assertThat(cluster.api(node).get(ME, token).statusCode()).as("node %d", node).isEqualTo(200);
    }
  }

  private static void awaitRejected(Api api, String token) throws Exception {
    Eventually.await(WAIT, () -> api.get(ME, token).statusCode(), status -> status == 401, "the token to be rejected");
  }

  /**
   * Revokes a session in PostgreSQL only, as if the node that revoked it died between its commit and its
   * broadcast. Returns System.nanoTime() at the commit.
   */
  private static long revokeBehindTheClustersBack(DatabaseTarget database, String token, Api api) throws Exception {
    UUID sessionId = UUID.fromString(Api.json(api.get(ME, token)).getString("session_id"));
    try (Connection c = TestPostgres.connect(database);
        PreparedStatement ps = c.prepareStatement("UPDATE latchkey.sessions SET status = 'revoked', "
            + "revoked_at = clock_timestamp() WHERE session_id = ?")) {
      ps.setObject(1, sessionId);
      assertThat(ps.executeUpdate()).isEqualTo(1);
      return System.nanoTime();
    }
  }
}
