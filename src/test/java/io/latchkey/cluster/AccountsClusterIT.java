package io.latchkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.LocalCluster;
import io.latchkey.testing.NodeProcess;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account lifecycle across real nodes, each its own JVM on one PostgreSQL: A and B clustered, with their
 * safety-net poll an hour away (what they reject quickly, the broadcast told them), and C, a node outside
 * the cluster that hears no broadcast at all and polls every second (what it rejects, the revocation log told
 * it: the way a node that missed the broadcast catches up, erasures included).
 */
class AccountsClusterIT {

  private static final String ME = "/api/v1/user/me";
  private static final String ACCOUNTS = "/api/v1/admin/accounts";
  private static final long POLL_MS = 1000;
  /** Far below the clustered nodes' poll: a rejection within it came by broadcast. */
  private static final Duration BROADCAST = Duration.ofSeconds(3);

  @TempDir
  static Path workDir;

  private static DatabaseTarget database;
  private static LocalCluster cluster;
  private static NodeProcess outsider;
  private static Api a;
  private static Api b;
  private static Api c;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    cluster = LocalCluster.start(2, database, workDir,
        Map.of("REVOCATION_POLL_MS", "3600000", "SESSION_CACHE_MAX_STALENESS_MS", "0",
            "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", "0"));
    a = cluster.api(0);
    b = cluster.api(1);
    outsider = NodeProcess.start(workDir, Map.of(
        "DATABASE_URL", database.url(),
        "HTTP_HOST", "127.0.0.1",
        "HTTP_PORT", "0",
        "HTTP_INSTANCES", "1",
        "INTERNAL_API_KEYS", LocalCluster.INTERNAL_KEY,
        "ADMIN_API_KEYS", LocalCluster.ADMIN_KEY,
        "REVOCATION_POLL_MS", Long.toString(POLL_MS),
        "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", "0"));
    int port = outsider.awaitListening(Duration.ofSeconds(90));
    HttpProbe.awaitReady(port, Duration.ofSeconds(60));
    c = new Api(port);
  }

  @AfterAll
  static void stop() {
    if (outsider != null) {
      outsider.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static JsonObject create(Api api, String email) throws Exception {
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", LocalCluster.INTERNAL_KEY,
        new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created);
  }

  private static void assertValidOn(String token, Api... nodes) throws Exception {
    for (Api node : nodes) {
      assertThat(node.get(ME, token).statusCode()).isEqualTo(200);
    }
  }

  /** How long after {@code since} (System.nanoTime) the node rejected the token; fails past {@code bound}. */
  private static long rejectedWithin(Api node, String token, long since, Duration bound) throws Exception {
    Eventually.await(bound, () -> node.get(ME, token).statusCode(), status -> status == 401, "the token to be rejected");
    return (System.nanoTime() - since) / 1_000_000;
  }

  @Test
  @DisplayName("a disable on A is seen at once on B (broadcast) and within the poll on C (log); creates on every "
      + "node are 403 while it lasts")
  void aDisableIsSeenOnEveryNode() throws Exception {
    JsonObject session = create(a, "cluster-disable@example.com");
    String token = session.getString("token");
    assertValidOn(token, a, b, c);

    HttpResponse<String> disabled = a.post(ACCOUNTS + "/" + session.getString("account_id") + "/disable",
        LocalCluster.ADMIN_KEY, null);
    long answered = System.nanoTime();

    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
    assertThat(a.get(ME, token).statusCode()).as("A, at once").isEqualTo(401);
    long onB = rejectedWithin(b, token, answered, BROADCAST);
    long onC = rejectedWithin(c, token, answered, Duration.ofMillis(POLL_MS + 1000));
    System.out.printf("disable on A: rejected on B after %d ms, on C (no broadcast) after %d ms%n", onB, onC);
    for (Api node : List.of(a, b, c)) {
      HttpResponse<String> refused = node.post("/api/v1/internal/sessions", LocalCluster.INTERNAL_KEY,
          new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", "cluster-disable@example.com"))
              .encode());
      assertThat(refused.statusCode()).isEqualTo(403);
    }
    for (Api node : List.of(a, b)) {
      assertThat(Api.json(node.get(ACCOUNTS + "/" + session.getString("account_id"), LocalCluster.ADMIN_KEY))
          .getString("status")).as("every clustered node dropped its cached account").isEqualTo("disabled");
    }
  }

  @Test
  @DisplayName("an erasure on A is seen at once on B (broadcast), and within REVOCATION_POLL_MS + 1 s on C, which "
      + "heard no broadcast and whose session row is gone: the revocation log tells it")
  void anErasureIsSeenOnEveryNodeEvenWithoutTheBroadcast() throws Exception {
    for (int round = 0; round < 3; round++) {
      JsonObject session = create(b, "cluster-erase-" + round + "@example.com");
      String token = session.getString("token");
      assertValidOn(token, a, b, c);

      HttpResponse<String> deleted = a.delete(ACCOUNTS + "/" + session.getString("account_id"), LocalCluster.ADMIN_KEY);
      long answered = System.nanoTime();

      assertThat(deleted.statusCode()).isEqualTo(204);
      assertThat(a.get(ME, token).statusCode()).as("A, at once").isEqualTo(401);
      long onB = rejectedWithin(b, token, answered, BROADCAST);
      long onC = rejectedWithin(c, token, answered, Duration.ofMillis(POLL_MS + 1000));
      System.out.printf("erasure on A, round %d: rejected on B after %d ms, on C (no broadcast) after %d ms%n",
          round, onB, onC);
    }
  }

  @Test
  @DisplayName("creates on A and B racing a disable on A leave no live session: none active in PostgreSQL, none "
      + "valid on any node")
  void createsOnEveryNodeRacingADisableLeaveNoLiveSession() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      String email = "cluster-race@example.com";
      String account = create(a, email).getString("account_id");
      CountDownLatch underWay = new CountDownLatch(24);
      List<Future<List<String>>> loops = new ArrayList<>();
      for (int w = 0; w < 12; w++) {
        Api node = w % 2 == 0 ? a : b;
        loops.add(pool.submit(() -> {
          List<String> tokens = new ArrayList<>();
          for (int i = 0; i < 500; i++) {
            HttpResponse<String> answer = node.post("/api/v1/internal/sessions", LocalCluster.INTERNAL_KEY,
                new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)).encode());
            underWay.countDown();
            if (answer.statusCode() != 201) {
              assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
              break;
            }
            tokens.add(Api.json(answer).getString("token"));
          }
          return tokens;
        }));
      }
      underWay.await();
      assertThat(a.post(ACCOUNTS + "/" + account + "/disable", LocalCluster.ADMIN_KEY, null).statusCode()).isEqualTo(200);
      List<String> tokens = new ArrayList<>();
      for (Future<List<String>> loop : loops) {
        tokens.addAll(loop.get());
      }

      assertThat(TestPostgres.count(database, "SELECT count(*) FROM sessions WHERE status = 'active' AND account_id = '"
          + UUID.fromString(account) + "'")).isZero();
      for (String token : tokens) {
        for (Api node : List.of(a, b)) {
          Eventually.await(BROADCAST, () -> node.get(ME, token).statusCode(), s -> s == 401, "rejected");
        }
      }
      System.out.printf("cluster create/disable race: %d sessions created before the disable, all rejected%n",
          tokens.size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("two accounts linking one identity through two nodes at once: exactly one wins")
  void aLinkRaceAcrossNodesHasOneWinner() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 5; round++) {
        String first = create(a, "cluster-link-a" + round + "@example.com").getString("account_id");
        String second = create(b, "cluster-link-b" + round + "@example.com").getString("account_id");
        String contested = new JsonObject().put("kind", "telegram").put("subject", Integer.toString(990000 + round))
            .encode();
        CountDownLatch go = new CountDownLatch(1);
        Future<Integer> onA = pool.submit(gated(go, () -> a.post(ACCOUNTS + "/" + first + "/identities",
            LocalCluster.ADMIN_KEY, contested).statusCode()));
        Future<Integer> onB = pool.submit(gated(go, () -> b.post("/api/v1/internal/accounts/" + second + "/identities",
            LocalCluster.INTERNAL_KEY, contested).statusCode()));
        go.countDown();
        assertThat(List.of(onA.get(), onB.get())).as("round %d", round).containsExactlyInAnyOrder(201, 409);
        String winner = onA.get() == 201 ? first : second;
        for (Api node : List.of(a, b, c)) {
          assertThat(Api.json(node.get(ACCOUNTS + "?kind=telegram&subject=" + (990000 + round), LocalCluster.ADMIN_KEY))
              .getString("account_id")).isEqualTo(winner);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> Callable<T> gated(CountDownLatch go, Callable<T> call) {
    return () -> {
      go.await();
      return call.call();
    };
  }
}
