package io.latchkey.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.auth.signature.Ed25519;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.NodeProcess;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway cache end to end: three latchkey nodes, each its own JVM, on one PostgreSQL (not clustered: the
 * invalidation stream of every node reads the revocation log, so a revocation on any node reaches the streams
 * of all), and caches in this JVM as a gateway would hold them. A writes (creates, revokes, disables); the
 * caches read the stream from B, or from C, the node that gets killed; a {@link StreamCutter} in front of B cuts
 * the stream alone when a test needs it down.
 */
class GatewayCacheIT {

  private static final String INTERNAL_KEY = "gateway-it-internal-key-0123456789";
  private static final String ADMIN_KEY = "gateway-it-admin-key-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** The generous bound asserted on "revoked on A, rejected at the gateway". */
  private static final Duration PROPAGATION = Duration.ofSeconds(2);

  @TempDir
  static Path workDir;

  private static DatabaseTarget database;
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static Api a;
  private static String urlB;
  private static String urlC;
  private static Vertx vertx;
  private static StreamCutter cutter;
  private final List<GatewayCache> caches = new ArrayList<>();

  @BeforeAll
  static void startNodes() throws Exception {
    database = TestPostgres.freshDatabase();
    for (int i = 0; i < 3; i++) {
      nodes.add(NodeProcess.start(workDir, Map.of(
          "DATABASE_URL", database.url(),
          "HTTP_HOST", "127.0.0.1",
          "HTTP_PORT", "0",
          "HTTP_INSTANCES", "1",
          "INTERNAL_API_KEYS", INTERNAL_KEY,
          "ADMIN_API_KEYS", ADMIN_KEY,
          // a comment on every stream five times a second: a test's freshness bound can be short
          "INVALIDATION_STREAM_HEARTBEAT_MS", "200",
          // the least a node keeps in memory: one large disable pushes older positions out to PostgreSQL
          "INVALIDATION_STREAM_BUFFER_BYTES", "65536")));
    }
    List<Integer> ports = new ArrayList<>();
    for (NodeProcess node : nodes) {
      int port = node.awaitListening(Duration.ofSeconds(90));
      HttpProbe.awaitReady(port, Duration.ofSeconds(60));
      ports.add(port);
    }
    a = new Api(ports.get(0));
    urlB = "http://127.0.0.1:" + ports.get(1);
    urlC = "http://127.0.0.1:" + ports.get(2);
    vertx = Vertx.vertx();
    cutter = StreamCutter.start(vertx, ports.get(1));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    nodes.forEach(NodeProcess::close);
    if (cutter != null) {
      cutter.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @AfterEach
  void closeCaches() throws Exception {
    for (GatewayCache cache : caches) {
      await(cache.close());
    }
  }

  private GatewayCacheOptions options(String... baseUrls) {
    return new GatewayCacheOptions().setBaseUrls(List.of(baseUrls)).setInternalKey(INTERNAL_KEY)
        .setReconnectDelay(Duration.ofMillis(50)).setMaxReconnectDelay(Duration.ofMillis(500));
  }

  private GatewayCache started(GatewayCacheOptions options) throws Exception {
    GatewayCache cache = GatewayCache.create(vertx, options);
    caches.add(cache);
    await(cache.start());
    return cache;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the lookup succeeded");
  }

  /** A device-bound session created on A: its answer, with the key it is bound to as {@code key}. */
  private static JsonObject session(String email) throws Exception {
    String key = Base64.getEncoder().encodeToString(
        Ed25519.raw(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()));
    HttpResponse<String> created = a.post("/api/v1/internal/sessions", INTERNAL_KEY, new JsonObject()
        .put("identity", new JsonObject().put("kind", "email").put("subject", email))
        .put("client_public_key", key).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created).put("key", key);
  }

  private static void revokeOnA(String sessionId) throws Exception {
    assertThat(a.delete("/api/v1/admin/sessions/" + sessionId, ADMIN_KEY).statusCode()).isEqualTo(204);
  }

  private static GatewayRecord.Status status(GatewayCache cache, String sessionId) throws Exception {
    return await(cache.lookup(sessionId)).status();
  }

  private static long awaitRevoked(GatewayCache cache, String sessionId, long sinceNanos, Duration bound)
      throws Exception {
    Eventually.await(bound, () -> status(cache, sessionId), s -> s == GatewayRecord.Status.REVOKED,
        "the gateway to see " + sessionId + " revoked");
    return (System.nanoTime() - sinceNanos) / 1_000_000;
  }

  @Test
  @DisplayName("a device-bound session: the first lookup asks the record, the next is a hit with the same record")
  void aDeviceBoundSessionIsAMissThenAHit() throws Exception {
    GatewayCache cache = started(options(urlB));
    JsonObject session = session("gw-hit@example.com");
    String id = session.getString("session_id");

    GatewayRecord first = await(cache.lookup(id));
    GatewayRecord second = await(cache.lookup(id));

    assertThat(first.sessionId()).isEqualTo(id);
    assertThat(first.userId()).isEqualTo(session.getString("account_id"));
    assertThat(first.clientPublicKey()).isEqualTo(session.getString("key"));
    assertThat(first.status()).isEqualTo(GatewayRecord.Status.ACTIVE);
    assertThat(first.revokedAtMs()).isNull();
    assertThat(second).isEqualTo(first);
    GatewayCacheStats stats = cache.stats();
    assertThat(stats.fetches()).isEqualTo(1);
    assertThat(stats.misses()).isEqualTo(1);
    assertThat(stats.hits()).isEqualTo(1);
    assertThat(stats.connected()).isTrue();
    assertThat(stats.node()).isEqualTo(urlB);
    assertThat(failure(cache.lookup("0190e6a4-0000-7000-8000-000000000000")))
        .isInstanceOf(SessionNotFoundException.class);
  }

  @Test
  @DisplayName("revoked on A, rejected by the gateway that streams from B within 2 s, by the stream alone")
  void aRevocationOnAReachesTheGatewayStreamingFromB() throws Exception {
    GatewayCache cache = started(options(urlB));
    List<Long> measured = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      String id = session("gw-revoke-" + round + "@example.com").getString("session_id");
      assertThat(status(cache, id)).isEqualTo(GatewayRecord.Status.ACTIVE);
      long fetches = cache.stats().fetches();

      revokeOnA(id);
      measured.add(awaitRevoked(cache, id, System.nanoTime(), PROPAGATION));

      assertThat(cache.stats().fetches()).as("no record asked: the event did it").isEqualTo(fetches);
    }
    System.out.printf("gateway cache: revoked on A, rejected at the gateway (stream from B) after %s ms%n", measured);
  }

  @Test
  @DisplayName("disabling an account on A revokes every one of its sessions at the gateway, and no other")
  void disablingAnAccountRevokesAllItsSessionsAtTheGateway() throws Exception {
    GatewayCache cache = started(options(urlB));
    List<String> ids = new ArrayList<>();
    String account = null;
    for (int i = 0; i < 3; i++) {
      JsonObject session = session("gw-disable@example.com");
      ids.add(session.getString("session_id"));
      account = session.getString("account_id");
    }
    String bystander = session("gw-bystander@example.com").getString("session_id");
    for (String id : ids) {
      assertThat(status(cache, id)).isEqualTo(GatewayRecord.Status.ACTIVE);
    }
    assertThat(status(cache, bystander)).isEqualTo(GatewayRecord.Status.ACTIVE);

    HttpResponse<String> disabled = a.post("/api/v1/admin/accounts/" + account + "/disable", ADMIN_KEY, null);
    long since = System.nanoTime();
    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);

    for (String id : ids) {
      awaitRevoked(cache, id, since, PROPAGATION);
    }
    assertThat(status(cache, bystander)).isEqualTo(GatewayRecord.Status.ACTIVE);
    assertThat(cache.stats().fetches()).isEqualTo(4);
  }

  @Test
  @DisplayName("the node it streams from is killed: it resumes on another node from its cursor, and the "
      + "revocations made while it was switching arrive")
  void killingTheStreamNodeLosesNothing() throws Exception {
    // the first reconnection waits 3 s: every revocation below is committed while the cache has no stream
    GatewayCache cache = started(options(urlC, urlB).setReconnectDelay(Duration.ofSeconds(3))
        .setFreshnessBound(Duration.ofSeconds(30)));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(session("gw-kill-" + i + "@example.com").getString("session_id"));
      assertThat(status(cache, ids.get(i))).isEqualTo(GatewayRecord.Status.ACTIVE);
    }
    GatewayCacheStats before = cache.stats();
    assertThat(before.node()).isEqualTo(urlC);

    nodes.get(2).kill();
    long since = System.nanoTime();
    for (String id : ids) {
      revokeOnA(id);
    }
    assertThat(cache.stats().reconnects()).as("still switching when the revocations were made").isZero();

    for (String id : ids) {
      awaitRevoked(cache, id, since, WAIT);
    }
    // the catch-up page brought them; the stream proper opens right after it
    GatewayCacheStats after = Eventually.await(WAIT, cache::stats, GatewayCacheStats::connected, "the stream open");
    assertThat(after.node()).isEqualTo(urlB);
    assertThat(after.reconnects()).isEqualTo(1);
    assertThat(after.resets()).as("resumed, not started over").isEqualTo(before.resets());
    assertThat(after.fetches()).as("the stream told it, not the record").isEqualTo(before.fetches());
    assertThat(after.cursor()).isNotEqualTo(before.cursor());
  }

  @Test
  @DisplayName("reset: the revocations a cut-off gateway missed are pruned from the log; back, it is told to reset "
      + "and drops its whole cache")
  void aResetDropsTheGatewayCache() throws Exception {
    String cut = "http://127.0.0.1:" + cutter.port();
    GatewayCache cache = started(options(cut).setFreshnessBound(Duration.ofMinutes(1)));
    String kept = session("gw-reset-kept@example.com").getString("session_id");
    assertThat(status(cache, kept)).isEqualTo(GatewayRecord.Status.ACTIVE);
    GatewayCacheStats before = cache.stats();

    cutter.cut();
    Eventually.await(WAIT, () -> cache.stats().connected(), connected -> !connected, "the stream to be cut");
    // ~130 KB of events (one disable of 800 sessions): B's memory no longer reaches back to the cache's cursor
    String account = session("gw-reset-many@example.com").getString("account_id");
    try (Connection c = TestPostgres.connect(database); PreparedStatement insert = c.prepareStatement(
        "INSERT INTO latchkey.sessions (session_id, account_id, token_hash) "
            + "SELECT gen_random_uuid(), ?, sha256(gen_random_uuid()::text::bytea) FROM generate_series(1, 800)")) {
      insert.setObject(1, UUID.fromString(account));
      assertThat(insert.executeUpdate()).isEqualTo(800);
    }
    assertThat(a.post("/api/v1/admin/accounts/" + account + "/disable", ADMIN_KEY, null).statusCode()).isEqualTo(200);
    // the retention prune, run now rather than after REVOCATION_LOG_RETENTION_SECONDS: every entry goes
    pruneTheWholeRevocationLog();
    cutter.heal();

    Eventually.await(WAIT, () -> cache.stats(), s -> s.resets() == before.resets() + 1 && s.fresh(),
        "the reset, and the stream caught up");
    assertThat(cache.stats().size()).isZero();
    assertThat(status(cache, kept)).isEqualTo(GatewayRecord.Status.ACTIVE);
    assertThat(cache.stats().fetches()).as("asked again: the cache was dropped").isEqualTo(before.fetches() + 1);
  }

  /** What LogRetention's prune does (SessionQueries.PRUNE_REVOCATION_LOG), to every entry, behind the nodes' backs. */
  private static void pruneTheWholeRevocationLog() throws Exception {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      s.execute("WITH gone AS (DELETE FROM revocation_log RETURNING xid, seq), "
          + "horizon AS (UPDATE revocation_horizon h SET xid = g.xid, seq = g.seq "
          + "FROM (SELECT xid, seq FROM gone ORDER BY xid DESC, seq DESC LIMIT 1) g "
          + "WHERE (g.xid, g.seq) > (h.xid, h.seq)) "
          + "SELECT count(*) FROM gone");
    }
  }

  @Test
  @DisplayName("the stream down longer than the bound: FAIL_CLOSED cannot tell, ASK_PER_REQUEST asks the record, "
      + "a cached revoked stays revoked; back and caught up, both answer from the cache again")
  void aStreamDownLongerThanTheBoundIsNeverTrusted() throws Exception {
    Duration bound = Duration.ofSeconds(1);
    String cut = "http://127.0.0.1:" + cutter.port();
    GatewayCache failClosed = started(options(cut).setFreshnessBound(bound).setStalePolicy(StalePolicy.FAIL_CLOSED));
    GatewayCache ask = started(options(cut).setFreshnessBound(bound).setStalePolicy(StalePolicy.ASK_PER_REQUEST));
    String active = session("gw-stale-active@example.com").getString("session_id");
    String revoked = session("gw-stale-revoked@example.com").getString("session_id");
    String steady = session("gw-stale-steady@example.com").getString("session_id");
    revokeOnA(revoked);
    for (GatewayCache cache : List.of(failClosed, ask)) {
      assertThat(status(cache, active)).isEqualTo(GatewayRecord.Status.ACTIVE);
      assertThat(status(cache, revoked)).isEqualTo(GatewayRecord.Status.REVOKED);
      assertThat(status(cache, steady)).isEqualTo(GatewayRecord.Status.ACTIVE);
    }

    cutter.cut();
    long cutAt = System.nanoTime();
    for (GatewayCache cache : List.of(failClosed, ask)) {
      Eventually.await(WAIT, () -> cache.stats().fresh(), fresh -> !fresh, "the cache to count as stale");
    }
    long staleAfterMs = (System.nanoTime() - cutAt) / 1_000_000;
    assertThat(staleAfterMs).as("not stale before the bound (less the last heartbeat's age)").isGreaterThan(700);

    Throwable cannotTell = failure(failClosed.lookup(active));
    assertThat(cannotTell).isInstanceOf(CannotTellException.class);
    assertThat(((CannotTellException) cannotTell).reason()).isEqualTo(CannotTellException.Reason.STREAM_STALE);
    assertThat(status(failClosed, revoked)).isEqualTo(GatewayRecord.Status.REVOKED);

    long fetches = ask.stats().fetches();
    assertThat(status(ask, active)).isEqualTo(GatewayRecord.Status.ACTIVE);
    assertThat(status(ask, active)).isEqualTo(GatewayRecord.Status.ACTIVE);
    assertThat(ask.stats().fetches()).as("each lookup asked the record").isEqualTo(fetches + 2);
    assertThat(status(ask, revoked)).isEqualTo(GatewayRecord.Status.REVOKED);
    revokeOnA(active);
    assertThat(status(ask, active)).as("the record's word, at once").isEqualTo(GatewayRecord.Status.REVOKED);
    assertThat(failure(failClosed.lookup(active))).isInstanceOf(CannotTellException.class);

    cutter.heal();
    for (GatewayCache cache : List.of(failClosed, ask)) {
      Eventually.await(WAIT, () -> cache.stats().fresh(), fresh -> fresh, "the stream to be back and caught up");
    }
    assertThat(status(failClosed, active)).as("caught up: the revocation made while the stream was down")
        .isEqualTo(GatewayRecord.Status.REVOKED);
    long asked = ask.stats().fetches();
    assertThat(status(ask, steady)).isEqualTo(GatewayRecord.Status.ACTIVE);
    assertThat(ask.stats().fetches()).as("a hit again").isEqualTo(asked);
    System.out.printf("gateway cache: stream cut, stale (bound %d ms) after %d ms%n", bound.toMillis(), staleAfterMs);
  }
}
