package io.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.account.Identity;
import io.latchkey.auth.signature.Ed25519;
import io.latchkey.config.AppConfig;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Migrations;
import io.latchkey.session.impl.SessionAddresses;
import io.latchkey.telemetry.Metrics;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.Outage;
import io.latchkey.testing.SessionNode;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Device-bound sessions looked up by their id (SPEC §6, signature alone) in the session verticle, against a
 * real PostgreSQL: found from the cache and, after a miss, from PostgreSQL; ids that name no active
 * device-bound session refused, and remembered briefly; misses bounded; revocations applied by id as by token.
 */
class DeviceLookupIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static DatabaseTarget database;
  private static SessionNode node;
  private static SessionService client;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    Migrations.migrate(database, "latchkey");
    // no periodic poll: the safety net runs when a test asks, so the cache is never stale on its own
    node = SessionNode.start(database, Map.of("NEGATIVE_CACHE_TTL_MS", 1500, "MAX_INFLIGHT_MISSES", 5,
        "REVOCATION_POLL_MS", 3_600_000, "SESSION_CACHE_MAX_STALENESS_MS", 0));
    client = node.client();
    node.awaitWarm();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName("a device-bound session is found by its id: created here, or read from PostgreSQL once and then cached")
  void aDeviceBoundSessionIsFoundByItsId() throws Exception {
    byte[] key = newKey();
    CreatedSession created = client.create(Identity.parse("email", "by-id@example.com"), key, null).await();

    CachedSession found = client.deviceSession(created.sessionId()).await();

    assertThat(found.sessionId()).isEqualTo(created.sessionId());
    assertThat(found.accountId()).isEqualTo(created.accountId());
    assertThat(found.clientPublicKey()).isEqualTo(key);

    String token = insertDeviceBound(created.accountId(), newKey());
    UUID coldId = sessionIdOf(token);
    assertThat(client.deviceSession(coldId).await().sessionId()).isEqualTo(coldId);
    try (Outage outage = Outage.of(database)) {
      assertThat(client.deviceSession(coldId).await().sessionId()).as("by id, from the cache").isEqualTo(coldId);
      assertThat(client.lookup(token).await().sessionId()).as("by token, the same cache entry").isEqualTo(coldId);
    }
  }

  @Test
  @DisplayName("an id that names no active device-bound session is not found, and is remembered as such briefly")
  void idsThatNameNoActiveDeviceBoundSessionAreNotFound() throws Exception {
    UUID unknown = UUID.randomUUID();
    CreatedSession keyless = client.create(Identity.parse("email", "keyless@example.com"), null, null).await();
    CreatedSession revoked = client.create(Identity.parse("email", "gone@example.com"), newKey(), null).await();
    client.revoke(revoked.sessionId(), null, Actor.ADMIN, null).await();

    for (UUID id : List.of(unknown, keyless.sessionId(), revoked.sessionId())) {
      assertThat(SessionNode.failureOf(client.deviceSession(id))).as(id.toString())
          .isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    }
    assertThat(client.lookup(keyless.token()).await().sessionId()).as("its token still works").isEqualTo(keyless.sessionId());

    try (Outage outage = Outage.of(database)) {
      assertThat(SessionNode.failureOf(client.deviceSession(unknown))).as("answered without the database")
          .isEqualTo(SessionFailure.SESSION_NOT_FOUND);
      assertThat(SessionNode.failureOf(client.deviceSession(keyless.sessionId()))).as("answered without the database")
          .isEqualTo(SessionFailure.SESSION_NOT_FOUND);
      assertThat(SessionNode.failureOf(client.deviceSession(UUID.randomUUID()))).as("a new id needs the database")
          .isEqualTo(SessionFailure.DATABASE_UNAVAILABLE);
      Eventually.await(WAIT, () -> SessionNode.failureOf(client.deviceSession(unknown)),
          f -> f == SessionFailure.DATABASE_UNAVAILABLE, "the negative entry to expire");
    }
  }

  @Test
  @DisplayName("a revocation here, one broadcast by another node, and one caught up by the safety net all reach the id")
  void revocationsReachTheSessionByItsId() throws Exception {
    CreatedSession local = client.create(Identity.parse("email", "local@example.com"), newKey(), null).await();
    CreatedSession remote = client.create(Identity.parse("email", "remote@example.com"), newKey(), null).await();
    CreatedSession missed = client.create(Identity.parse("email", "missed@example.com"), newKey(), null).await();
    for (CreatedSession s : List.of(local, remote, missed)) {
      client.deviceSession(s.sessionId()).await();
    }

    client.revoke(local.sessionId(), null, Actor.ADMIN, null).await();
    assertThat(SessionNode.failureOf(client.deviceSession(local.sessionId()))).as("at once")
        .isEqualTo(SessionFailure.SESSION_NOT_FOUND);

    long now = System.currentTimeMillis();
    node.vertx().eventBus().publish(SessionAddresses.INVALIDATED, new Invalidation(now, null, List.of(
        new Revoked(remote.sessionId(), remote.accountId(), Tokens.hash(remote.token()), now))).toJson());
    Eventually.await(WAIT, () -> SessionNode.failureOf(client.deviceSession(remote.sessionId())),
        f -> f == SessionFailure.SESSION_NOT_FOUND, "the broadcast to be applied");

    revokeInDatabaseOnly(missed.sessionId());
    assertThat(SessionNode.failureOf(client.deviceSession(missed.sessionId()))).as("cached, and nobody said otherwise")
        .isNull();
    client.catchUp();
    Eventually.await(WAIT, () -> SessionNode.failureOf(client.deviceSession(missed.sessionId())),
        f -> f == SessionFailure.SESSION_NOT_FOUND, "the catch-up to apply the revocation");
    assertThat(SessionNode.failureOf(client.lookup(missed.token()))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
  }

  @Test
  @DisplayName("concurrent misses for one id share one query, and distinct misses in flight are bounded")
  void missesByIdAreCoalescedAndBounded() throws Exception {
    UUID account = client.create(Identity.parse("email", "cold@example.com"), null, null).await().accountId();
    UUID cold = sessionIdOf(insertDeviceBound(account, newKey()));
    List<Future<CachedSession>> same = new ArrayList<>();
    List<Future<CachedSession>> distinct = new ArrayList<>();
    try (Connection blocker = TestPostgres.connect(database)) {
      blocker.setAutoCommit(false);
      blocker.createStatement().execute("LOCK TABLE latchkey.sessions IN ACCESS EXCLUSIVE MODE");
      for (int i = 0; i < 20; i++) {
        same.add(client.deviceSession(cold));
      }
      for (int i = 0; i < 7; i++) {
        distinct.add(client.deviceSession(UUID.randomUUID()));
      }

      Eventually.await(WAIT, () -> waitingQueries(), n -> n == 5,
          "five queries waiting: one shared by 20 lookups, four distinct");
      long overloaded = distinct.stream().filter(Future::failed)
          .filter(f -> SessionService.failureOf(f.cause()) == SessionFailure.OVERLOADED).count();
      assertThat(overloaded).as("the misses beyond the bound are shed at once").isEqualTo(3);
      blocker.commit();
    }
    for (Future<CachedSession> f : same) {
      assertThat(f.await().sessionId()).isEqualTo(cold);
    }
    assertThat(distinct.stream().map(SessionNode::failureOf))
        .containsOnly(SessionFailure.SESSION_NOT_FOUND, SessionFailure.OVERLOADED);
  }

  @Test
  @DisplayName("a revocation that arrives during a read by id wins, even when its tombstone is evicted first")
  void aRevocationDuringAReadByIdWinsOverTheRead() throws Exception {
    DatabaseTarget own = TestPostgres.freshDatabase();
    Migrations.migrate(own, "latchkey");
    Metrics metrics = new Metrics(new SimpleMeterRegistry());
    AppConfig config = TestConfig.forDatabase(own, Map.of("SESSION_CACHE_MAX_ENTRIES", 1,
        "DB_STATEMENT_TIMEOUT_MS", 60_000, "REVOCATION_POLL_MS", 3_600_000, "SESSION_CACHE_MAX_STALENESS_MS", 0));
    SessionCache cache = SessionCache.create(config.sessionCache());
    try (SessionNode small = SessionNode.start(own, config, metrics, cache)) {
      small.awaitWarm();
      SessionService service = small.client();
      CreatedSession other = service.create(Identity.parse("email", "other@example.com"), null, null).await();
      String token = insertDeviceBound(own, other.accountId(), newKey());
      UUID id = sessionIdOf(own, token);

      Future<CachedSession> lookup;
      try (Connection blocker = TestPostgres.connect(own)) {
        blocker.setAutoCommit(false);
        blocker.createStatement().execute("LOCK TABLE latchkey.sessions IN ACCESS EXCLUSIVE MODE");
        lookup = service.deviceSession(id);
        Eventually.await(WAIT, () -> waitingQueries(own), n -> n == 1, "the read by id to wait");

        // a revoke-all on another node; the row stays active here, as in a read whose snapshot predates it
        long now = System.currentTimeMillis();
        small.vertx().eventBus().publish(SessionAddresses.INVALIDATED, new Invalidation(now, other.accountId(), List.of(
            new Revoked(id, other.accountId(), Tokens.hash(token), now),
            new Revoked(other.sessionId(), other.accountId(), Tokens.hash(other.token()), now))).toJson());
        Eventually.await(WAIT, metrics.invalidationsReceived::count, n -> n == 1, "the broadcast to be applied");
        assertThat(cache.peek(Tokens.hash(token))).as("the tombstone was evicted by the next one").isNull();
        assertThat(lookup.isComplete()).as("the read is still waiting").isFalse();
        blocker.rollback();
      }

      assertThat(SessionNode.failureOf(lookup)).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
      assertThat(SessionNode.failureOf(service.deviceSession(id))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
      assertThat(SessionNode.failureOf(service.lookup(token))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    }
  }

  private static byte[] newKey() throws Exception {
    return Ed25519.raw(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
  }

  /** A device-bound session written to PostgreSQL behind the node's back: the node has never seen it. */
  private static String insertDeviceBound(UUID account, byte[] key) throws SQLException {
    return insertDeviceBound(database, account, key);
  }

  private static String insertDeviceBound(DatabaseTarget target, UUID account, byte[] key) throws SQLException {
    String token = TestPostgres.insertSession(target, account);
    try (Connection c = TestPostgres.connect(target); PreparedStatement ps = c.prepareStatement(
        "UPDATE latchkey.sessions SET client_public_key = ? WHERE token_hash = ?")) {
      ps.setBytes(1, key);
      ps.setBytes(2, Tokens.hash(token).bytes());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    return token;
  }

  private static UUID sessionIdOf(String token) throws SQLException {
    return sessionIdOf(database, token);
  }

  private static UUID sessionIdOf(DatabaseTarget target, String token) throws SQLException {
    try (Connection c = TestPostgres.connect(target); PreparedStatement ps = c.prepareStatement(
        "SELECT session_id FROM latchkey.sessions WHERE token_hash = ?")) {
      ps.setBytes(1, Tokens.hash(token).bytes());
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getObject(1, UUID.class);
      }
    }
  }

  private static void revokeInDatabaseOnly(UUID sessionId) throws SQLException {
    try (Connection c = TestPostgres.connect(database); PreparedStatement ps = c.prepareStatement(
        "UPDATE latchkey.sessions SET status = 'revoked', revoked_at = clock_timestamp() WHERE session_id = ?")) {
      ps.setObject(1, sessionId);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private static long waitingQueries() throws SQLException {
    return waitingQueries(database);
  }

  private static long waitingQueries(DatabaseTarget target) throws SQLException {
    try (Connection c = TestPostgres.connect(target); PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'latchkey' "
            + "AND wait_event_type = 'Lock'")) {
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
