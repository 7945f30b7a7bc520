package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.session.Tokens;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.SseClient;
import io.latchkey.testing.StoppablePostgres;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10 end to end: a whole node on a PostgreSQL server the test stops and starts (or freezes and
 * thaws) under it. While the database is gone, cached sessions keep validating, everything that needs
 * the database fails fast and closed with 503, and readiness names the database; when it returns, the
 * same node recovers without a restart.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DatabaseOutageIT {

  private static final String INTERNAL = "internal-key-for-outage-tests-01";
  private static final long EVENT_BUS_TIMEOUT_MS = 1500;
  /** The longest any request may take while the database is away: its timeout plus scheduling slack. */
  private static final Duration BOUND = Duration.ofMillis(EVENT_BUS_TIMEOUT_MS + 1500);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern DROPPED = Pattern.compile("(?m)^latchkey_last_seen_dropped_total\\S* (\\S+)$");

  @TempDir
  Path dir;
  private StoppablePostgres postgres;
  private DatabaseTarget database;
  private Application node;
  private Api api;

  @BeforeEach
  void start() throws Exception {
    postgres = StoppablePostgres.start(dir);
    database = postgres.target();
    startNode(Map.of());
  }

  private void startNode(Map<String, Object> settings) throws Exception {
    Map<String, Object> all = new HashMap<>(Map.of(
        "INTERNAL_API_KEYS", INTERNAL,
        "EVENT_BUS_TIMEOUT_MS", EVENT_BUS_TIMEOUT_MS,
        "DB_CONNECT_TIMEOUT_MS", 1000,
        "HEALTH_CHECK_TIMEOUT_MS", 1000,
        "LAST_SEEN_INTERVAL_MS", 1,
        "LAST_SEEN_FLUSH_MS", 50,
        "ACCESS_LOG", false,
        // the burst of misses below comes from one address: room for all of them to wait for PostgreSQL at once
        "RATE_LIMIT_AUTH_FAILURES_BURST", 1000));
    all.putAll(settings);
    node = Application.start(TestConfig.forDatabase(database, all));
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), WAIT);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      postgres.thaw();
      node.stop();
    } finally {
      postgres.close();
    }
  }

  @Test
  @DisplayName("PostgreSQL frozen: the invalidation stream goes silent and its JSON pages are not answered from memory; thawed: heartbeats again")
  void invalidationStreamStopsVouchingForWhatItCannotRead() throws Exception {
    node.stop();
    startNode(Map.of("REVOCATION_POLL_MS", 200, "INVALIDATION_STREAM_HEARTBEAT_MS", 100));
    String path = "/api/v1/internal/invalidations";
    try (SseClient stream = SseClient.connect(node.httpPort(), path, "Authorization", "Bearer " + INTERNAL)) {
      stream.next(WAIT, m -> !m.comments().isEmpty());
      String cursor = Api.json(api.get(path, INTERNAL)).getString("next");
      assertThat(api.get(path + "?after=" + cursor, INTERNAL).statusCode()).isEqualTo(200);

      postgres.freeze();
      // three polls without a read (600 ms) and the heartbeats (every 100 ms) stop: a second of silence
      assertThat(stream.fallsSilent(Duration.ofSeconds(1), WAIT)).as("heartbeats stop").isTrue();
      long asked = System.nanoTime();
      HttpResponse<String> page = api.get(path + "?after=" + cursor, INTERNAL);
      assertThat(page.statusCode()).as("a page PostgreSQL cannot confirm").isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofMillis(EVENT_BUS_TIMEOUT_MS + 1500));

      postgres.thaw();
      stream.next(WAIT, m -> !m.comments().isEmpty());
      assertThat(api.get(path + "?after=" + cursor, INTERNAL).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("PostgreSQL stopped: hits answer, misses and writes fail fast with 503, /readyz names it; started again: full recovery")
  void stoppedDatabase() throws Exception {
    JsonObject cached = login("cached@example.com");
    String uncached = TestPostgres.insertSession(database, UUID.fromString(cached.getString("account_id")));

    postgres.stop();
    awaitNotReady(System.nanoTime());
    assertOutageBehaviour(cached, uncached);
    double dropped = Eventually.await(WAIT, this::lastSeenDropped, n -> n > 0,
        "pending last-seen marks dropped and counted");
    assertThat(dropped).isPositive();

    postgres.start();
    assertRecovery(cached, uncached);
  }

  @Test
  @DisplayName("PostgreSQL frozen (nothing answers, connections stay open): every request still ends within its timeout")
  void frozenDatabase() throws Exception {
    JsonObject cached = login("frozen@example.com");
    String uncached = TestPostgres.insertSession(database, UUID.fromString(cached.getString("account_id")));

    postgres.freeze();
    awaitNotReady(System.nanoTime());
    assertOutageBehaviour(cached, uncached);

    // a burst of distinct misses against the frozen database: each is answered, none waits unbounded
    ExecutorService clients = Executors.newFixedThreadPool(32);
    try {
      List<Future<HttpResponse<String>>> burst = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        burst.add(clients.submit(() -> api.get("/api/v1/user/me", Tokens.generate())));
      }
      for (Future<HttpResponse<String>> response : burst) {
        assertUnavailable(response.get());
      }
    } finally {
      clients.shutdownNow();
    }

    postgres.thaw();
    assertRecovery(cached, uncached);
  }

  @Test
  @DisplayName("cut off from PostgreSQL for longer than SESSION_CACHE_MAX_STALENESS_MS, a node stops answering valid from its cache; back, it answers again")
  void aNodeCutOffForLongerThanTheStalenessBoundStopsAnsweringFromItsCache() throws Exception {
    long boundMs = 3000;
    node.stop();
    startNode(Map.of("REVOCATION_POLL_MS", 200, "SESSION_CACHE_MAX_STALENESS_MS", boundMs));
    JsonObject cached = login("stale@example.com");
    String token = cached.getString("token");

    postgres.freeze();
    long frozenAt = System.nanoTime();
    assertThat(api.get("/api/v1/user/me", token).statusCode()).as("within the bound: from the cache").isEqualTo(200);
    HttpResponse<String> refused = Eventually.await(WAIT, () -> api.get("/api/v1/user/me", token),
        r -> r.statusCode() != 200, "the cache to stop answering");
    assertThat(Duration.ofNanos(System.nanoTime() - frozenAt))
        .as("the bound after the last successful poll (at most one poll before the freeze), plus scheduling slack")
        .isLessThan(Duration.ofMillis(boundMs + 1500));
    assertUnavailable(refused);
    assertUnavailable(timed(() -> api.post("/api/v1/internal/sessions/introspect", INTERNAL,
        new JsonObject().put("token", token).encode())));
    HttpResponse<String> ready = timed(() -> HttpProbe.get(node.httpPort(), "/readyz"));
    assertThat(check(ready, Readiness.SESSION_CACHE).getJsonObject("data").getString("state")).isEqualTo("stale");

    postgres.thaw();
    HttpProbe.awaitReady(node.httpPort(), WAIT);
    assertThat(api.get("/api/v1/user/me", token).statusCode()).as("a poll succeeded again").isEqualTo(200);
  }

  @Test
  @DisplayName("a revoke answered 503 may still commit when PostgreSQL thaws; its retry is answered as documented and the session ends revoked")
  void aRevokeAnswered503IsSafeToRetry() throws Exception {
    JsonObject caller = login("retry@example.com");
    JsonObject other = login("retry@example.com");
    JsonObject loggingOut = login("retry@example.com");
    openPooledConnections(caller.getString("token"), 6);

    postgres.freeze();
    String revokeOther = "/api/v1/user/sessions/" + other.getString("session_id");
    assertUnavailable(timed(() -> api.delete(revokeOther, caller.getString("token"))));
    assertUnavailable(timed(() -> api.delete("/api/v1/user/sessions/current", loggingOut.getString("token"))));
    postgres.thaw();
    Eventually.await(WAIT, () -> TestPostgres.count(database, "SELECT count(*) FROM sessions WHERE status = 'revoked' "
            + "AND session_id IN ('" + other.getString("session_id") + "', '" + loggingOut.getString("session_id") + "')"),
        n -> n == 2, "both revocations, sent before the freeze, to commit when PostgreSQL thaws");

    assertThat(api.delete(revokeOther, caller.getString("token")).statusCode())
        .as("the retry: the earlier call committed, so no active session of the caller's has this id").isEqualTo(404);
    assertThat(api.delete("/api/v1/user/sessions/current", loggingOut.getString("token")).statusCode())
        .as("a retried logout: 204, or 401 once the node has applied the revocation; either way logged out")
        .isIn(204, 401);
    assertThat(api.get("/api/v1/user/me", other.getString("token")).statusCode()).isEqualTo(401);
    assertThat(api.get("/api/v1/user/me", loggingOut.getString("token")).statusCode()).isEqualTo(401);
    assertThat(api.get("/api/v1/user/me", caller.getString("token")).statusCode()).isEqualTo(200);
  }

  /**
   * Makes the node's pool hold {@code n} open connections (its requests wait on a table lock until each
   * has its own; their answers do not matter), so that a statement made after a freeze is sent on one of them rather than waiting to
   * connect.
   */
  private void openPooledConnections(String token, int n) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(n);
    try (Connection blocker = TestPostgres.connect(database)) {
      blocker.setAutoCommit(false);
      blocker.createStatement().execute("LOCK TABLE latchkey.sessions IN ACCESS EXCLUSIVE MODE");
      List<Future<HttpResponse<String>>> lists = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        lists.add(clients.submit(() -> api.get("/api/v1/user/sessions", token)));
      }
      Eventually.await(WAIT, () -> TestPostgres.count(database, "SELECT count(*) FROM pg_stat_activity WHERE "
          + "application_name = 'latchkey' AND wait_event_type = 'Lock'"), c -> c >= n,
          "at least " + n + " of its connections waiting");
      blocker.commit();
      for (Future<HttpResponse<String>> list : lists) {
        list.get();
      }
    } finally {
      clients.shutdownNow();
    }
  }

  private void assertOutageBehaviour(JsonObject cached, String uncached) throws Exception {
    String token = cached.getString("token");
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> me = timed(() -> api.get("/api/v1/user/me", token));
      assertThat(me.statusCode()).as("a cached session keeps validating").isEqualTo(200);
    }
    HttpResponse<String> introspected = timed(() -> api.post("/api/v1/internal/sessions/introspect", INTERNAL,
        new JsonObject().put("token", token).encode()));
    assertThat(Api.json(introspected).getBoolean("active")).as("introspection of a cached session").isTrue();
    assertUnavailable(timed(() -> api.get("/api/v1/user/me", uncached)));
    assertUnavailable(timed(() -> api.post("/api/v1/internal/sessions/introspect", INTERNAL,
        new JsonObject().put("token", uncached).encode())));
    assertUnavailable(timed(() -> api.get("/api/v1/user/me", Tokens.generate())));
    assertUnavailable(timed(() -> api.post("/api/v1/internal/sessions", INTERNAL, identity("new@example.com"))));
    assertUnavailable(timed(() -> api.delete("/api/v1/user/sessions/current", token)));
    assertThat(api.get("/api/v1/user/me", token).statusCode())
        .as("a revocation that was not made is not claimed").isEqualTo(200);

    HttpResponse<String> ready = timed(() -> HttpProbe.get(node.httpPort(), "/readyz"));
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(check(ready, Readiness.DATABASE).getString("status")).isEqualTo("DOWN");
    assertThat(check(ready, Readiness.SESSION_CACHE).getString("status")).isEqualTo("UP");
  }

  /** {@code /readyz} turns 503 from a check result at most a second old, then one check within its timeout. */
  private void awaitNotReady(long outageStartedNanos) throws Exception {
    Eventually.await(WAIT, () -> HttpProbe.get(node.httpPort(), "/readyz").statusCode(), status -> status == 503,
        "/readyz 503");
    assertThat(Duration.ofNanos(System.nanoTime() - outageStartedNanos))
        .as("a second, the check's timeout (1 s), plus scheduling slack")
        .isLessThan(Duration.ofMillis(1000 + 1000 + 1500));
  }

  private void assertRecovery(JsonObject cached, String uncached) throws Exception {
    HttpProbe.awaitReady(node.httpPort(), WAIT);
    HttpResponse<String> me = api.get("/api/v1/user/me", uncached);
    assertThat(me.statusCode()).as("a miss reads the database again").isEqualTo(200);
    assertThat(api.post("/api/v1/internal/sessions", INTERNAL, identity("after@example.com")).statusCode())
        .isEqualTo(201);
    assertThat(api.delete("/api/v1/user/sessions/current", cached.getString("token")).statusCode()).isEqualTo(204);
    assertThat(api.get("/api/v1/user/me", cached.getString("token")).statusCode()).isEqualTo(401);
    String seen = Eventually.await(WAIT, () -> TestPostgres.count(database,
            "SELECT count(*) FROM sessions WHERE last_seen_at IS NOT NULL AND session_id = '"
                + Api.json(me).getString("session_id") + "'") + "",
        "1"::equals, "last-seen writes to resume");
    assertThat(seen).isEqualTo("1");
  }

  private static void assertUnavailable(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("retry-after")).isPresent();
    assertThat(Api.json(response).getInteger("status")).isEqualTo(503);
  }

  private static <T> T timed(Callable<T> request) throws Exception {
    long started = System.nanoTime();
    T result = request.call();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered within the bound").isLessThan(BOUND);
    return result;
  }

  private double lastSeenDropped() throws Exception {
    Matcher m = DROPPED.matcher(api.get("/metrics", null).body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /**
   * A new session, validated once: the node then holds the session and its account (what {@code /user/me}
   * answers with) in memory, as it does for every session in use.
   */
  private JsonObject login(String email) throws Exception {
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", INTERNAL, identity(email));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject session = Api.json(created);
    assertThat(api.get("/api/v1/user/me", session.getString("token")).statusCode()).isEqualTo(200);
    return session;
  }

  private static String identity(String email) {
    return new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)).encode();
  }

  private static JsonObject check(HttpResponse<String> response, String id) {
    JsonArray checks = new JsonObject(response.body()).getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no check " + id + " in " + response.body());
  }
}
