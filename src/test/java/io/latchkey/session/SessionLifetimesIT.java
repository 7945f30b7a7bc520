package io.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Session lifetimes (SPEC §5b) over HTTP on real PostgreSQL, with lifetimes of seconds: a maximum lifetime of
 * 3 s and an idle timeout of 2 s, last-seen marks at most every 100 ms written every 100 ms (so PostgreSQL
 * calls a session idle 2.2 s after its last recorded use). Two nodes, each on a database of its own:
 * {@code sweeping} runs the expiry sweep every 500 ms; {@code quiet} never sweeps (the sweep shares the
 * revocation poll's period, set to an hour), so whatever it rejects or revokes, its lookups did.
 */
class SessionLifetimesIT {

  private static final String INTERNAL = "internal-key-0123456789abcdef";
  private static final String ADMIN = "admin-key-0123456789abcdef";
  private static final String ME = "/api/v1/user/me";
  private static final long MAX_MS = 3_000;
  private static final long IDLE_MS = 2_000;
  private static final long LAG_MS = 200;
  private static final long SWEEP_MS = 500;
  /** Scheduling, a statement, a broadcast: what the stated bounds leave out, generously. */
  private static final long MARGIN_MS = 1_000;

  private static DatabaseTarget sweepingDb;
  private static DatabaseTarget quietDb;
  private static Application sweeping;
  private static Application quiet;

  @BeforeAll
  static void start() throws Exception {
    sweepingDb = TestPostgres.freshDatabase();
    quietDb = TestPostgres.freshDatabase();
    sweeping = Application.start(TestConfig.forDatabase(sweepingDb, settings(Map.of("REVOCATION_POLL_MS", SWEEP_MS))));
    quiet = Application.start(TestConfig.forDatabase(quietDb,
        settings(Map.of("REVOCATION_POLL_MS", 3_600_000, "SESSION_CACHE_MAX_STALENESS_MS", 0))));
    HttpProbe.awaitReady(sweeping.httpPort(), Duration.ofSeconds(20));
    HttpProbe.awaitReady(quiet.httpPort(), Duration.ofSeconds(20));
  }

  private static Map<String, Object> settings(Map<String, Object> extra) {
    Map<String, Object> settings = new HashMap<>(Map.of(
        "INTERNAL_API_KEYS", INTERNAL,
        "ADMIN_API_KEYS", ADMIN,
        "SESSION_MAX_LIFETIME_SECONDS", MAX_MS / 1000,
        "SESSION_IDLE_TIMEOUT_SECONDS", IDLE_MS / 1000,
        "LAST_SEEN_INTERVAL_MS", LAG_MS / 2,
        "LAST_SEEN_FLUSH_MS", LAG_MS / 2,
        "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 0));
    settings.putAll(extra);
    return settings;
  }

  @AfterAll
  static void stop() throws Exception {
    sweeping.stop();
    quiet.stop();
  }

  @Test
  @DisplayName("a session past its maximum lifetime is rejected from the cache, though PostgreSQL still calls it young")
  void theMaximumLifetimeIsEnforcedFromTheCache() throws Exception {
    Api api = new Api(quiet.httpPort());
    JsonObject created = create(api, "max@example.com");
    String token = created.getString("token");
    UUID sessionId = UUID.fromString(created.getString("session_id"));
    long createdAtMs = createdAtMs(quietDb, sessionId);
    // behind the node's back: PostgreSQL now says the session is an hour from expiring, so a rejection can
    // only come from the created_at the node cached
    execute(quietDb, "UPDATE latchkey.sessions SET created_at = created_at + interval '1 hour' WHERE session_id = ?",
        sessionId);

    List<Integer> statuses = new ArrayList<>();
    Eventually.await(Duration.ofMillis(MAX_MS + 5_000), () -> {
      int status = api.get(ME, token).statusCode();
      statuses.add(status);
      return status;
    }, status -> status != 200, "the session to be rejected");
    long rejectedAtMs = System.currentTimeMillis();

    assertThat(statuses.subList(0, statuses.size() - 1)).as("accepted until then").containsOnly(200);
    assertThat(statuses.get(statuses.size() - 1)).isEqualTo(401);
    assertThat(rejectedAtMs - createdAtMs).as("rejected once its lifetime is over, not before")
        .isBetween(MAX_MS, MAX_MS + MARGIN_MS);
    assertThat(Api.json(api.post("/api/v1/internal/sessions/introspect", INTERNAL,
        new JsonObject().put("token", token).encode()))).isEqualTo(new JsonObject().put("active", false));
    assertThat(status(quietDb, sessionId)).as("no query decided it: the row still says active").isEqualTo("active");
  }

  @Test
  @DisplayName("a session unused for the idle timeout is rejected, and revoked as expired by the lookup that found it")
  void anIdleSessionIsRejectedAndRevoked() throws Exception {
    Api api = new Api(quiet.httpPort());
    JsonObject created = create(api, "idle@example.com");
    String token = created.getString("token");
    UUID sessionId = UUID.fromString(created.getString("session_id"));
    assertThat(api.get(ME, token).statusCode()).isEqualTo(200);
    long lastUseMs = System.currentTimeMillis();
    // waiting on PostgreSQL's view, not on the token: every accepted use would start the timeout again
    Eventually.await(Duration.ofMillis(IDLE_MS + LAG_MS + 5_000), () -> idleForMs(quietDb, sessionId),
        idle -> idle > IDLE_MS + LAG_MS, "PostgreSQL to see the session idle");

    HttpResponse<String> late = api.get(ME, token);

    assertThat(late.statusCode()).isEqualTo(401);
    assertThat(System.currentTimeMillis() - lastUseMs).as("never before the idle timeout").isGreaterThanOrEqualTo(IDLE_MS);
    assertThat(revocation(quietDb, sessionId)).as("revoked by that lookup (this node never sweeps)")
        .isEqualTo("revoked expired system");
    assertThat(api.get(ME, token).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("the sweep revokes expired rows as 'expired' within the stated bounds, and lists show them revoked")
  void theSweepRevokesExpiredRowsWithinTheBound() throws Exception {
    Api api = new Api(sweeping.httpPort());
    JsonObject unused = create(api, "swept@example.com");
    JsonObject busy = create(api, "swept@example.com");
    UUID unusedId = UUID.fromString(unused.getString("session_id"));
    UUID busyId = UUID.fromString(busy.getString("session_id"));
    long unusedCreatedMs = createdAtMs(sweepingDb, unusedId);
    long busyCreatedMs = createdAtMs(sweepingDb, busyId);

    // the busy session is used all along (never idle), so only its maximum lifetime ends it
    List<Integer> busyStatuses = new ArrayList<>();
    Eventually.await(Duration.ofMillis(MAX_MS + SWEEP_MS + 5_000), () -> {
      busyStatuses.add(api.get(ME, busy.getString("token")).statusCode());
      return List.of(record(api, unusedId), record(api, busyId));
    }, records -> records.stream().allMatch(r -> "revoked".equals(r.getString("status"))), "both rows revoked");

    JsonObject unusedRecord = record(api, unusedId);
    JsonObject busyRecord = record(api, busyId);
    assertThat(unusedRecord.getLong("revoked_at_ms") - unusedCreatedMs)
        .as("idle: revoked after idle timeout + last-seen lag + one sweep period at most")
        .isBetween(IDLE_MS, IDLE_MS + LAG_MS + SWEEP_MS + MARGIN_MS);
    assertThat(busyRecord.getLong("revoked_at_ms") - busyCreatedMs)
        .as("maximum lifetime: revoked within one sweep period of it")
        .isBetween(MAX_MS, MAX_MS + SWEEP_MS + MARGIN_MS);
    assertThat(busyStatuses).contains(200);
    assertThat(revocation(sweepingDb, unusedId)).isEqualTo("revoked expired system");
    assertThat(revocation(sweepingDb, busyId)).isEqualTo("revoked expired system");
    assertThat(unusedRecord.getValue("expires_at_ms")).as("no lifetime applies to a revoked session").isNull();
    for (JsonObject token : List.of(unused, busy)) {
      assertThat(api.get(ME, token.getString("token")).statusCode()).isEqualTo(401);
    }
    JsonArray listed = Api.json(api.get("/api/v1/admin/accounts/" + unused.getString("account_id") + "/sessions",
        ADMIN)).getJsonArray("sessions");
    assertThat(listed).hasSize(2);
    for (Object item : listed) {
      JsonObject session = (JsonObject) item;
      assertThat(session.getString("status")).isEqualTo("revoked");
      assertThat(session.getValue("expires_at")).isNull();
    }
  }

  @Test
  @DisplayName("expires_at, expires_at_ms and exp say when a session may stop being accepted if it is not used again")
  void expiryTimesAreOnTheWire() throws Exception {
    Api api = new Api(quiet.httpPort());
    JsonObject created = create(api, "wire@example.com");
    String token = created.getString("token");
    UUID sessionId = UUID.fromString(created.getString("session_id"));
    long createdAtMs = createdAtMs(quietDb, sessionId);

    // read before any use of the token: PostgreSQL knows no use but the creation
    JsonObject record = record(api, sessionId);
    JsonObject listed = Api.json(api.get("/api/v1/admin/accounts/" + created.getString("account_id") + "/sessions",
        ADMIN)).getJsonArray("sessions").getJsonObject(0);
    long before = System.currentTimeMillis();
    JsonObject introspected = Api.json(api.post("/api/v1/internal/sessions/introspect", INTERNAL,
        new JsonObject().put("token", token).encode()));
    long after = System.currentTimeMillis();
    JsonObject mine = Api.json(api.get("/api/v1/user/sessions", token)).getJsonArray("sessions").getJsonObject(0);

    // the idle timeout (2 s) ends an unused session before the maximum lifetime (3 s) does
    assertThat(record.getLong("expires_at_ms")).isEqualTo(createdAtMs + IDLE_MS);
    assertThat(listed.getValue("last_seen_at")).isNull();
    assertThat(Instant.parse(listed.getString("expires_at")).toEpochMilli()).isEqualTo(createdAtMs + IDLE_MS);
    assertThat(introspected.getBoolean("active")).isTrue();
    assertThat(introspected.getLong("exp")).as("now + idle timeout, in seconds")
        .isBetween((before + IDLE_MS) / 1000, (after + IDLE_MS) / 1000);
    assertThat(introspected.getLong("exp")).isLessThanOrEqualTo((createdAtMs + MAX_MS) / 1000);
    assertThat(mine.getString("expires_at")).endsWith("Z");
    assertThat(Instant.parse(mine.getString("expires_at")).toEpochMilli()).as("from the last use PostgreSQL knows")
        .isBetween(createdAtMs + IDLE_MS, Math.min(after + IDLE_MS, createdAtMs + MAX_MS));
  }

  private static JsonObject create(Api api, String email) throws Exception {
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", INTERNAL,
        new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created);
  }

  private static JsonObject record(Api api, UUID sessionId) throws Exception {
    HttpResponse<String> response = api.get("/api/v1/internal/sessions/" + sessionId, INTERNAL);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Api.json(response);
  }

  private static long createdAtMs(DatabaseTarget database, UUID sessionId) throws Exception {
    return query(database, "SELECT floor(extract(epoch FROM created_at) * 1000)::bigint FROM latchkey.sessions "
        + "WHERE session_id = ?", sessionId, rs -> rs.getLong(1));
  }

  private static long idleForMs(DatabaseTarget database, UUID sessionId) throws Exception {
    return query(database, "SELECT (extract(epoch FROM now() - coalesce(last_seen_at, created_at)) * 1000)::bigint "
        + "FROM latchkey.sessions WHERE session_id = ?", sessionId, rs -> rs.getLong(1));
  }

  private static String status(DatabaseTarget database, UUID sessionId) throws Exception {
    return query(database, "SELECT status FROM latchkey.sessions WHERE session_id = ?", sessionId, rs -> rs.getString(1));
  }

  /** "status reason by" of the row. */
  static String revocation(DatabaseTarget database, UUID sessionId) throws Exception {
    return query(database, "SELECT status || ' ' || coalesce(revoked_reason, '-') || ' ' || coalesce(revoked_by, '-') "
        + "FROM latchkey.sessions WHERE session_id = ?", sessionId, rs -> rs.getString(1));
  }

  private static void execute(DatabaseTarget database, String sql, UUID sessionId) throws Exception {
    try (Connection c = TestPostgres.connect(database); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, sessionId);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private interface Column<T> {
    T read(ResultSet rs) throws Exception;
  }

  private static <T> T query(DatabaseTarget database, String sql, UUID sessionId, Column<T> column) throws Exception {
    try (Connection c = TestPostgres.connect(database); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("session %s exists", sessionId).isTrue();
        return column.read(rs);
      }
    }
  }
}
