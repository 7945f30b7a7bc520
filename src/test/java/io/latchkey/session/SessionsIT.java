package io.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.account.Identity;
import io.latchkey.config.AppConfig;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Migrations;
import io.latchkey.telemetry.Metrics;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.Outage;
import io.latchkey.testing.SessionNode;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.latchkey.session.impl.SessionAddresses;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The session verticle against a real PostgreSQL: each test gets a fresh database and a fresh node. */
class SessionsIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int READ_GATE_LOCK = 7;

  private DatabaseTarget database;
  private SessionNode node;
  private SessionService client;

  @BeforeEach
  void freshDatabase() {
    database = TestPostgres.freshDatabase();
    Migrations.migrate(database, "latchkey");
  }

  @AfterEach
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  private void startNode(Map<String, Object> overrides) throws Exception {
    node = SessionNode.start(database, overrides);
    client = node.client();
    node.awaitWarm();
  }

  /**
   * A node whose cache and metrics the test holds, with reads that may wait a minute on a lock and no
   * periodic poll (catch-ups happen only when the test asks, so no staleness bound); returns the cache.
   */
  private SessionCache startNodeWatching(Map<String, Object> overrides, Metrics metrics) throws Exception {
    Map<String, Object> settings = new java.util.HashMap<>(overrides);
    settings.put("DB_STATEMENT_TIMEOUT_MS", 60_000);
    settings.put("REVOCATION_POLL_MS", 3_600_000);
    settings.put("SESSION_CACHE_MAX_STALENESS_MS", 0);
    AppConfig config = TestConfig.forDatabase(database, settings);
    SessionCache cache = SessionCache.create(config.sessionCache());
    node = SessionNode.start(database, config, metrics, cache);
    client = node.client();
    node.awaitWarm();
    return cache;
  }

  @Test
  void aCreatedSessionValidatesAndCarriesItsKeyAndDevice() throws Exception {
    startNode(Map.of());
    byte[] key = io.latchkey.auth.signature.Ed25519.raw(
        java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());

    CreatedSession created = client.create(Identity.parse("email", "dev@example.com"), key, "Pixel 9").await();
    CachedSession who = client.lookup(created.token()).await();
    SessionRecord record = client.session(created.sessionId()).await();

    assertThat(created.accountCreated()).isTrue();
    assertThat(who.sessionId()).isEqualTo(created.sessionId());
    assertThat(who.accountId()).isEqualTo(created.accountId());
    assertThat(Base64.getEncoder().encodeToString(who.clientPublicKey())).isEqualTo(Base64.getEncoder().encodeToString(key));
    assertThat(record.status()).isEqualTo("active");
    assertThat(record.device()).isEqualTo("Pixel 9");
    assertThat(record.revokedAt()).isNull();
    assertThat(Base64.getEncoder().encodeToString(record.clientPublicKey()))
        .isEqualTo(Base64.getEncoder().encodeToString(key));
  }

  @Test
  @DisplayName("creates arriving together share one statement and one commit, and each gets its own answer")
  void groupCommittedCreatesEachGetTheirOwnAnswer() throws Exception {
    Metrics metrics = new Metrics(new SimpleMeterRegistry());
    startNodeWatching(Map.of(), metrics);
    CreatedSession held = client.create(Identity.parse("email", "held@example.com"), null, null).await();
    CreatedSession known = client.create(Identity.parse("email", "known@example.com"), null, null).await();
    CreatedSession disabledOwner = client.create(Identity.parse("email", "off@example.com"), null, null).await();
    client.disableAccount(disabledOwner.accountId(), Actor.ADMIN, "test").await();
    UUID missing = UUID.randomUUID();
    double batchesBefore = metrics.createBatch.count();

    List<Future<CreatedSession>> heldCreates = new ArrayList<>();
    List<Future<CreatedSession>> knownCreates = new ArrayList<>();
    List<Future<CreatedSession>> byAccount = new ArrayList<>();
    List<Future<CreatedSession>> newcomer = new ArrayList<>();
    List<Future<CreatedSession>> disabled = new ArrayList<>();
    List<Future<CreatedSession>> unknownAccount = new ArrayList<>();
    try (Connection lock = TestPostgres.connect(database); Statement st = lock.createStatement()) {
      // the account row locked FOR UPDATE (as a disable does): the first creates, for it, hold both statement
      // slots, so every create sent after them waits and is written by one statement when they finish
      lock.setAutoCommit(false);
      st.execute("SELECT 1 FROM latchkey.accounts WHERE account_id = '" + held.accountId() + "' FOR UPDATE");
      for (int i = 0; i < 2; i++) {
        heldCreates.add(client.create(held.accountId(), null, null));
      }
      Eventually.await(WAIT, () -> TestPostgres.count(database, "SELECT count(*) FROM pg_locks WHERE NOT granted"),
          waiting -> waiting == 2, "both first creates waiting on the account's lock");
      for (int i = 0; i < 40; i++) {
        knownCreates.add(client.create(Identity.parse("email", "known@example.com"), null, "phone " + i));
        byAccount.add(client.create(known.accountId(), null, null));
      }
      for (int i = 0; i < 2; i++) {
        newcomer.add(client.create(Identity.parse("email", "new@example.com"), null, null));
        disabled.add(client.create(disabledOwner.accountId(), null, null));
        disabled.add(client.create(Identity.parse("email", "off@example.com"), null, null));
        unknownAccount.add(client.create(missing, null, null));
      }
      for (int i = 0; i < 2; i++) {
        heldCreates.add(client.create(held.accountId(), null, null));
      }
      lock.commit();
    }

    for (Future<CreatedSession> f : heldCreates) {
      assertThat(f.await().accountId()).isEqualTo(held.accountId());
    }
    List<CreatedSession> made = new ArrayList<>();
    for (Future<CreatedSession> f : knownCreates) {
      CreatedSession c = f.await();
      assertThat(c.accountId()).isEqualTo(known.accountId());
      assertThat(c.accountCreated()).isFalse();
      made.add(c);
    }
    for (Future<CreatedSession> f : byAccount) {
      assertThat(f.await().accountId()).isEqualTo(known.accountId());
      made.add(f.await());
    }
    CreatedSession first = newcomer.get(0).await();
    CreatedSession second = newcomer.get(1).await();
    assertThat(second.accountId()).as("one new identity, one account").isEqualTo(first.accountId());
    assertThat(List.of(first.accountCreated(), second.accountCreated())).containsExactlyInAnyOrder(true, false);
    for (Future<CreatedSession> f : disabled) {
      assertThat(SessionNode.failureOf(f)).isEqualTo(SessionFailure.ACCOUNT_DISABLED);
    }
    for (Future<CreatedSession> f : unknownAccount) {
      assertThat(SessionNode.failureOf(f)).isEqualTo(SessionFailure.ACCOUNT_NOT_FOUND);
    }
    // every answered create is a row, with its own token and device, and validates
    for (CreatedSession c : made) {
      assertThat(client.lookup(c.token()).await().sessionId()).isEqualTo(c.sessionId());
    }
    assertThat(client.session(made.get(7).sessionId()).await().device()).isEqualTo("phone 7");
    assertThat(TestPostgres.count(database, "SELECT count(*) FROM sessions WHERE account_id = '"
        + known.accountId() + "'")).isEqualTo(1 + 80);
    assertThat(TestPostgres.count(database, "SELECT count(*) FROM sessions WHERE account_id = '"
        + disabledOwner.accountId() + "' AND status = 'active'")).isZero();
    // the waiting creates went together: far fewer statements than creates
    assertThat(metrics.createBatch.max()).isGreaterThanOrEqualTo(80);
    assertThat(metrics.createBatch.count() - batchesBefore).isLessThan(20);
  }

  @Test
  void badCreateRequestsAreRejectedAndStoreNothing() throws Exception {
    startNode(Map.of());
    Identity identity = Identity.parse("email", "x@example.com");
    String hash = Tokens.hash(Tokens.generate()).toBase64();

    // what the typed requests cannot express is checked where they are built; a body of another type is
    // refused by the verticle
    assertThat(SessionNode.failureOf(client.create(identity, new byte[3], null))).as("a 3-byte key")
        .isEqualTo(SessionFailure.INVALID_REQUEST);
    assertThat(SessionNode.failureOf(client.create(identity, new byte[33], null))).as("a 33-byte key")
        .isEqualTo(SessionFailure.INVALID_REQUEST);
    assertThat(SessionNode.failureOf(client.create(identity, null, "d".repeat(201)))).as("a long device label")
        .isEqualTo(SessionFailure.INVALID_REQUEST);
    List<JsonObject> bad = List.of(
        new JsonObject().put("identity", identity.toJson()),
        new JsonObject().put("identity", identity.toJson()).put("token_hash", "short"),
        new JsonObject().put("identity", "email").put("token_hash", hash),
        new JsonObject().put("token_hash", hash));
    for (JsonObject request : bad) {
      assertThat(SessionNode.failureOf(node.rawRequest(SessionAddresses.CREATE, request))).as(request.encode())
          .isEqualTo(SessionFailure.INVALID_REQUEST);
    }
    assertThat(SessionNode.failureOf(client.create(UUID.randomUUID(), null, null)))
        .isEqualTo(SessionFailure.ACCOUNT_NOT_FOUND);
    assertThat(count("SELECT count(*) FROM sessions")).isZero();
    assertThat(count("SELECT count(*) FROM accounts")).isZero();
  }

  @Test
  @DisplayName("the database never holds a plaintext token, in any column of any table")
  void theDatabaseNeverHoldsAToken() throws Exception {
    startNode(Map.of());
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tokens.add(client.create(Identity.parse("email", "scan" + i + "@example.com"), null, "d").await().token());
    }
    String everything = dumpEveryRow();

    assertThat(everything).contains(tokens.get(0).substring(0, 0)).isNotEmpty();
    for (String token : tokens) {
      String random = token.substring(Tokens.PREFIX.length());
      byte[] raw = Base64.getUrlDecoder().decode(random);
      assertThat(everything)
          .doesNotContain(token)
          .doesNotContain(random)
          .doesNotContain(HexFormat.of().formatHex(token.getBytes(StandardCharsets.US_ASCII)))
          .doesNotContain(HexFormat.of().formatHex(raw))
          .contains(HexFormat.of().formatHex(Tokens.hash(token).bytes()));
    }
  }

  @Test
  void malformedTokensAreRejectedBeforeAnyLookup() throws Exception {
    startNode(Map.of());
    try (Outage outage = Outage.of(database)) {
      assertThat(SessionNode.failureOf(client.lookup("lk_not-a-token"))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
      assertThat(SessionNode.failureOf(client.lookup(null))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
      assertThat(SessionNode.failureOf(node.rawRequest(SessionAddresses.LOOKUP, new JsonObject().put("token_hash", "x"))))
          .isEqualTo(SessionFailure.INVALID_REQUEST);
    }
  }

  @Test
  void revocationIsIdempotentAndFinal() throws Exception {
    startNode(Map.of());
    CreatedSession s = client.create(Identity.parse("email", "rev@example.com"), null, null).await();
    Revocation first = client.revoke(s.sessionId(), null, Actor.USER, "logout").await();
    Revocation second = client.revoke(s.sessionId(), null, Actor.USER, "logout").await();

    assertThat(first.revokedNow()).isTrue();
    assertThat(second.revokedNow()).isFalse();
    assertThat(second.revokedAtMs()).isEqualTo(first.revokedAtMs());
    assertThat(SessionNode.failureOf(client.lookup(s.token()))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    SessionRecord record = client.session(s.sessionId()).await();
    assertThat(record.status()).isEqualTo("revoked");
    assertThat(record.revokedAt().toEpochMilli()).isEqualTo(first.revokedAtMs());
    assertThat(SessionNode.failureOf(client.revoke(UUID.randomUUID(), null, Actor.ADMIN, null)))
        .isEqualTo(SessionFailure.SESSION_NOT_FOUND);
  }

  @Test
  void onlyTheOwnerCanRevokeWhenAnOwnerIsNamed() throws Exception {
    startNode(Map.of());
    CreatedSession mine = client.create(Identity.parse("email", "me@example.com"), null, null).await();
    CreatedSession theirs = client.create(Identity.parse("email", "them@example.com"), null, null).await();

    SessionFailure failure = SessionNode.failureOf(client.revoke(theirs.sessionId(), mine.accountId(), Actor.USER,
        null));

    assertThat(failure).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    assertThat(client.lookup(theirs.token()).await().sessionId()).isEqualTo(theirs.sessionId());
  }

  @Test
  @DisplayName("a revoked session never validates again, however lookups race the revocation (cold and warm cache)")
  void revocationWinsEveryRaceWithLookups() throws Exception {
    startNode(Map.of());
    UUID account = client.create(Identity.parse("email", "racer@example.com"), null, null).await().accountId();
    for (int round = 0; round < 150; round++) {
      boolean cold = round % 2 == 0;
      String token = cold ? insertDirectly(account) : client.create(account, null, null).await().token();
      UUID sessionId = cold ? UUID.fromString(sessionIdOf(token)) : client.lookup(token).await().sessionId();

      List<Future<CachedSession>> racing = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        racing.add(client.lookup(token));
      }
      Future<Revocation> revoke = client.revoke(sessionId, null, Actor.ADMIN, null);
      for (int i = 0; i < 10; i++) {
        racing.add(client.lookup(token));
      }
      assertThat(revoke.await().revokedNow()).isTrue();

      for (int i = 0; i < 10; i++) {
        assertThat(SessionNode.failureOf(client.lookup(token))).as("round %d, lookup after the revocation", round)
            .isEqualTo(SessionFailure.SESSION_NOT_FOUND);
      }
      for (Future<CachedSession> f : racing) {
        SessionFailure failure = SessionNode.failureOf(f);
        assertThat(failure).as("a racing lookup is either valid (before) or not found (after)")
            .isIn(null, SessionFailure.SESSION_NOT_FOUND);
      }
    }
  }

  @Test
  @DisplayName("an invalidation received from another node turns the cached session into a tombstone")
  void invalidationsFromOtherNodesAreApplied() throws Exception {
    startNode(Map.of());
    CreatedSession s = client.create(Identity.parse("email", "remote@example.com"), null, null).await();
    client.lookup(s.token()).await();

    Invalidation remote = new Invalidation(System.currentTimeMillis(), null,
        List.of(new Revoked(s.sessionId(), s.accountId(), Tokens.hash(s.token()), System.currentTimeMillis())));
    node.vertx().eventBus().publish(SessionAddresses.INVALIDATED, remote.toJson());

    Eventually.await(WAIT, () -> SessionNode.failureOf(client.lookup(s.token())),
        f -> f == SessionFailure.SESSION_NOT_FOUND, "the broadcast to be applied");
  }

  @Test
  @DisplayName("a revocation that arrives during a cache miss's read wins, even when its tombstone is evicted first")
  void revocationDuringAMissWinsOverAnEvictedTombstone() throws Exception {
    Metrics metrics = new Metrics(new SimpleMeterRegistry());
    SessionCache cache = startNodeWatching(Map.of("SESSION_CACHE_MAX_ENTRIES", 1), metrics);
    CreatedSession first = client.create(Identity.parse("email", "evicted@example.com"), null, null).await();
    String token = insertDirectly(first.accountId());
    TokenHash hash = Tokens.hash(token);
    UUID sessionId = UUID.fromString(sessionIdOf(token));

    Future<CachedSession> lookup;
    try (Connection blocker = TestPostgres.connect(database)) {
      blocker.setAutoCommit(false);
      blocker.createStatement().execute("LOCK TABLE latchkey.sessions IN ACCESS EXCLUSIVE MODE");
      lookup = client.lookup(token);
      Eventually.await(WAIT, () -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
          + "AND application_name = 'latchkey' AND wait_event_type = 'Lock'"), n -> n == 1, "the miss's read to wait");

      // a revoke-all on another node; the row stays active here, as in a read whose snapshot predates it
      long now = System.currentTimeMillis();
      Invalidation remote = new Invalidation(now, first.accountId(), List.of(
          new Revoked(sessionId, first.accountId(), hash, now),
          new Revoked(first.sessionId(), first.accountId(), Tokens.hash(first.token()), now)));
      node.vertx().eventBus().publish(SessionAddresses.INVALIDATED, remote.toJson());
      Eventually.await(WAIT, metrics.invalidationsReceived::count, n -> n == 1, "the broadcast to be applied");
      assertThat(cache.peek(hash)).as("the tombstone was evicted by the next one (a cache of one entry)").isNull();
      assertThat(lookup.isComplete()).as("the read is still waiting").isFalse();
      blocker.rollback();
    }

    assertThat(SessionNode.failureOf(lookup)).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    assertThat(SessionNode.failureOf(client.lookup(token))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
  }

  @Test
  @DisplayName("the safety net applies revocations it never heard about: on catch-up, and on its own poll")
  void missedRevocationsAreCaughtUp() throws Exception {
    startNode(Map.of("REVOCATION_POLL_MS", 3_600_000, "SESSION_CACHE_MAX_STALENESS_MS", 0));
    CreatedSession s = client.create(Identity.parse("email", "netted@example.com"), null, null).await();
    CreatedSession other = client.create(Identity.parse("email", "untouched@example.com"), null, null).await();
    client.lookup(s.token()).await();
    revokeInDatabaseOnly(s.sessionId());
    assertThat(SessionNode.failureOf(client.lookup(s.token()))).as("cached, and nobody said otherwise").isNull();

    client.catchUp();

    Eventually.await(WAIT, () -> SessionNode.failureOf(client.lookup(s.token())),
        f -> f == SessionFailure.SESSION_NOT_FOUND, "the catch-up to apply the revocation");
    assertThat(SessionNode.failureOf(client.lookup(other.token()))).isNull();

    node.close();
    startNode(Map.of("REVOCATION_POLL_MS", 200));
    CreatedSession polled = client.create(Identity.parse("email", "polled@example.com"), null, null).await();
    client.lookup(polled.token()).await();
    revokeInDatabaseOnly(polled.sessionId());
    Eventually.await(WAIT, () -> SessionNode.failureOf(client.lookup(polled.token())),
        f -> f == SessionFailure.SESSION_NOT_FOUND, "the periodic poll to apply the revocation");
  }

  @Test
  @DisplayName("a revocation the safety net finds during a cache miss's read wins over the read's older snapshot")
  void caughtUpRevocationDuringAMissWinsOverTheRead() throws Exception {
    installReadGate();
    SessionCache cache = startNodeWatching(Map.of(), new Metrics(new SimpleMeterRegistry()));
    CreatedSession cached = client.create(Identity.parse("email", "gated@example.com"), null, null).await();
    String token = insertDirectly(cached.accountId());
    TokenHash hash = Tokens.hash(token);
    UUID sessionId = UUID.fromString(sessionIdOf(token));

    Future<CachedSession> lookup;
    try (Connection gate = TestPostgres.connect(database); Statement s = gate.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + READ_GATE_LOCK + ")");
      try (PreparedStatement ps = gate.prepareStatement("INSERT INTO latchkey.read_gate VALUES (?)")) {
        ps.setBytes(1, hash.bytes());
        ps.executeUpdate();
      }
      lookup = client.lookup(token);
      Eventually.await(WAIT, () -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
          + "AND application_name = 'latchkey' AND wait_event = 'advisory'"), n -> n == 1,
          "the miss's read to hold its snapshot (session active) at the gate");

      revokeRowsInDatabaseOnly(sessionId, cached.sessionId());
      client.catchUp();
      Eventually.await(WAIT, () -> cache.peek(Tokens.hash(cached.token())), c -> c != null && !c.active(),
          "the catch-up to turn the cached session into a tombstone (the same page holds the read's session)");
      assertThat(cache.peek(hash)).as("not cached: the safety net has nothing to turn into a tombstone").isNull();
      assertThat(lookup.isComplete()).as("the read is still held at the gate").isFalse();
      s.execute("SELECT pg_advisory_unlock(" + READ_GATE_LOCK + ")");
    }

    assertThat(SessionNode.failureOf(lookup)).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    assertThat(SessionNode.failureOf(client.lookup(token))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
  }

  @Test
  @DisplayName("a revocation the safety net finds while warm-up's cursor runs is not undone by warm-up (no broadcast)")
  void aRevocationDuringWarmUpIsNotLostOnTheWarmingNode() throws Exception {
    installReadGate();
    UUID account = insertAccount();
    String victim = insertDirectly(account);
    String bystander = insertDirectly(account);
    TokenHash victimHash = Tokens.hash(victim);
    UUID victimId = UUID.fromString(sessionIdOf(victim));
    Metrics metrics = new Metrics(new SimpleMeterRegistry());

    try (Connection gate = TestPostgres.connect(database); Statement s = gate.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + READ_GATE_LOCK + ")");
      try (PreparedStatement ps = gate.prepareStatement("INSERT INTO latchkey.read_gate VALUES (?)")) {
        ps.setBytes(1, victimHash.bytes());
        ps.executeUpdate();
      }
      AppConfig config = TestConfig.forDatabase(database, Map.of(
          "DB_STATEMENT_TIMEOUT_MS", 60_000, "REVOCATION_POLL_MS", 200, "WARMUP_FETCH_SIZE", 1));
      node = SessionNode.start(database, config, metrics, SessionCache.create(config.sessionCache()));
      client = node.client();
      Eventually.await(WAIT, () -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
          + "AND application_name = 'latchkey' AND wait_event = 'advisory'"), n -> n == 1,
          "warm-up's cursor to hold its snapshot (the session active) at the gate");

      revokeRowsInDatabaseOnly(victimId);
      double polled = metrics.revocationPolls.count();
      Eventually.await(WAIT, metrics.revocationPolls::count, n -> n >= polled + 2,
          "the safety net to poll after the revocation, while warm-up is still held");
      s.execute("SELECT pg_advisory_unlock(" + READ_GATE_LOCK + ")");
    }
    node.awaitWarm();

    assertThat(SessionNode.failureOf(client.lookup(victim))).as("revoked while warming: rejected once warm")
        .isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    assertThat(SessionNode.failureOf(client.lookup(bystander))).as("warmed and untouched").isNull();
  }

  /**
   * Puts a view in front of the sessions table that holds a read of a session listed in {@code read_gate},
   * while the test holds the advisory lock, after the read has taken its snapshot and found the session
   * active. (A table lock cannot do that: a read that waited for it takes its snapshot afterwards.)
   */
  private void installReadGate() throws SQLException {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      s.execute("ALTER TABLE sessions RENAME TO session_rows");
      s.execute("CREATE TABLE read_gate (token_hash bytea PRIMARY KEY)");
      s.execute("CREATE FUNCTION through_gate(hash bytea, status text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
          + "IF status = 'active' AND EXISTS (SELECT 1 FROM latchkey.read_gate g WHERE g.token_hash = hash) THEN "
          + "PERFORM pg_advisory_lock_shared(" + READ_GATE_LOCK + "); "
          + "PERFORM pg_advisory_unlock_shared(" + READ_GATE_LOCK + "); "
          + "END IF; RETURN true; END $$");
      s.execute("CREATE VIEW sessions AS SELECT * FROM session_rows WHERE through_gate(token_hash, status)");
    }
  }

  private void revokeRowsInDatabaseOnly(UUID... sessionIds) throws SQLException {
    try (Connection c = TestPostgres.connect(database); PreparedStatement ps = c.prepareStatement(
        "UPDATE latchkey.session_rows SET status = 'revoked', revoked_at = clock_timestamp() "
            + "WHERE session_id = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("uuid", sessionIds));
      assertThat(ps.executeUpdate()).isEqualTo(sessionIds.length);
    }
  }

  private void revokeInDatabaseOnly(UUID sessionId) throws SQLException {
    try (Connection c = TestPostgres.connect(database); PreparedStatement ps = c.prepareStatement(
        "UPDATE latchkey.sessions SET status = 'revoked', revoked_at = clock_timestamp() WHERE session_id = ?")) {
      ps.setObject(1, sessionId);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void revokeAllReachesEveryCachedSessionOfTheAccountAndOnlyThose() throws Exception {
    startNode(Map.of());
    UUID account = client.create(Identity.parse("email", "many@example.com"), null, null).await().accountId();
    List<CreatedSession> sessions = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sessions.add(client.create(account, null, "device " + i).await());
    }
    CreatedSession bystander = client.create(Identity.parse("email", "other@example.com"), null, null).await();
    CreatedSession kept = sessions.get(2);

    List<UUID> allButOne = client.revokeAll(account, kept.sessionId(), Actor.ADMIN, null).await();

    assertThat(allButOne.size()).as("4 of the 5 plus the first session").isEqualTo(5);
    for (CreatedSession s : sessions) {
      SessionFailure failure = SessionNode.failureOf(client.lookup(s.token()));
      assertThat(failure).isEqualTo(s == kept ? null : SessionFailure.SESSION_NOT_FOUND);
    }
    assertThat(SessionNode.failureOf(client.lookup(bystander.token()))).isNull();

    List<UUID> rest = client.revokeAll(account, null, Actor.ADMIN, null).await();
    assertThat(rest.size()).isEqualTo(1);
    assertThat(rest.get(0)).isEqualTo(kept.sessionId());
    assertThat(SessionNode.failureOf(client.lookup(kept.token()))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    List<SessionRecord> list = client.sessions(account, true).await();
    assertThat(list).isEmpty();
  }

  @Test
  void listsAnAccountsSessionsNewestFirst() throws Exception {
    startNode(Map.of());
    UUID account = client.create(Identity.parse("email", "lister@example.com"), null, "first").await().accountId();
    CreatedSession second = client.create(account, null, "second").await();
    client.revoke(second.sessionId(), null, Actor.ADMIN, null).await();
    client.create(account, null, "third").await();

    List<SessionRecord> all = client.sessions(account, false).await();
    List<SessionRecord> active = client.sessions(account, true).await();

    assertThat(all).extracting(SessionRecord::device).containsExactly("third", "second", "first");
    assertThat(active).extracting(SessionRecord::device).containsExactly("third", "first");
  }

  @Test
  @DisplayName("after a restart, warm-up fills the cache from the database and cached sessions validate without it")
  void warmUpAfterRestartServesFromMemory() throws Exception {
    startNode(Map.of());
    UUID account = client.create(Identity.parse("email", "warm@example.com"), null, null).await().accountId();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      tokens.add(client.create(account, null, null).await().token());
    }
    String revoked = tokens.remove(0);
    client.revoke(client.lookup(revoked).await().sessionId(), null, Actor.ADMIN, null).await();
    node.close();

    node = SessionNode.start(database, Map.of());
    client = node.client();
    assertThat(node.awaitWarm()).as("the 4 active sessions (the account's first one included)").isEqualTo(4);

    try (Outage outage = Outage.of(database)) {
      for (String token : tokens) {
        assertThat(SessionNode.failureOf(client.lookup(token))).as("served from the warm cache").isNull();
      }
      assertThat(SessionNode.failureOf(client.lookup(revoked)))
          .as("not cached, and the database cannot say: fail closed").isEqualTo(SessionFailure.DATABASE_UNAVAILABLE);
    }
  }

  @Test
  @DisplayName("past SESSION_CACHE_MAX_STALENESS_MS without a poll, a cached session is DATABASE_UNAVAILABLE, a revoked one still not found")
  void aCacheNotPolledForLongerThanTheBoundIsNotAnsweredAsValid() throws Exception {
    startNode(Map.of("REVOCATION_POLL_MS", 200, "SESSION_CACHE_MAX_STALENESS_MS", 1000));
    CreatedSession cached = client.create(Identity.parse("email", "stale@example.com"), null, null).await();
    CreatedSession revoked = client.create(cached.accountId(), null, null).await();
    client.revoke(revoked.sessionId(), null, Actor.ADMIN, null).await();

    try (Outage outage = Outage.of(database)) {
      Eventually.await(WAIT, () -> SessionNode.failureOf(client.lookup(cached.token())),
          f -> f == SessionFailure.DATABASE_UNAVAILABLE, "the cache to stop answering");
      assertThat(SessionNode.failureOf(client.lookup(revoked.token()))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
      assertThat(client.cacheHealth().await().current()).isFalse();
    }
    Eventually.await(WAIT, () -> SessionNode.failureOf(client.lookup(cached.token())), f -> f == null,
        "a poll to succeed and the cache to answer again");
  }

  @Test
  void aCacheMissFallsBackToTheDatabase() throws Exception {
    startNode(Map.of());
    UUID account = client.create(Identity.parse("email", "miss@example.com"), null, null).await().accountId();
    String token = insertDirectly(account);

    assertThat(client.lookup(token).await().accountId()).isEqualTo(account);
  }

  @Test
  @DisplayName("an unknown token reaches the database at most once per negative-cache period")
  void unknownTokensAreNegativelyCached() throws Exception {
    startNode(Map.of("NEGATIVE_CACHE_TTL_MS", 1500));
    String unknown = Tokens.generate();
    assertThat(SessionNode.failureOf(client.lookup(unknown))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);

    try (Outage outage = Outage.of(database)) {
      assertThat(SessionNode.failureOf(client.lookup(unknown))).as("answered without the database")
          .isEqualTo(SessionFailure.SESSION_NOT_FOUND);
      assertThat(SessionNode.failureOf(client.lookup(Tokens.generate()))).as("a new unknown token needs the database")
          .isEqualTo(SessionFailure.DATABASE_UNAVAILABLE);
      Eventually.await(WAIT, () -> SessionNode.failureOf(client.lookup(unknown)),
          f -> f == SessionFailure.DATABASE_UNAVAILABLE, "the negative entry to expire");
    }
  }

  @Test
  @DisplayName("a caller holding the shared cache answers a token found unknown itself, without the session verticle")
  void knownUnknownTokensAreAnsweredWithoutTheHop() throws Exception {
    SessionCache cache = startNodeWatching(Map.of(), new Metrics(new SimpleMeterRegistry()));
    SessionService caller = SessionService.create(node.vertx(), Duration.ofSeconds(2), cache, Duration.ofSeconds(60),
        Lifetimes.NONE);
    String unknown = Tokens.generate();
    UUID unknownId = UUID.randomUUID();
    assertThat(SessionNode.failureOf(caller.lookup(unknown))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    assertThat(SessionNode.failureOf(caller.deviceSession(unknownId))).isEqualTo(SessionFailure.SESSION_NOT_FOUND);

    node.stopVerticle();

    assertThat(SessionNode.failureOf(caller.lookup(unknown))).as("answered from the negative entry")
        .isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    assertThat(SessionNode.failureOf(caller.deviceSession(unknownId))).as("answered from the negative entry")
        .isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    assertThatThrownBy(() -> caller.lookup(Tokens.generate()).await()).as("a new unknown token needs the verticle")
        .hasMessageContaining("No handlers");
  }

  @Test
  @DisplayName("concurrent misses for one token share one query, and distinct misses in flight are bounded")
  void missesAreCoalescedAndBounded() throws Exception {
    startNode(Map.of("MAX_INFLIGHT_MISSES", 5));
    String repeated = Tokens.generate();
    List<Future<CachedSession>> same = new ArrayList<>();
    List<Future<CachedSession>> distinct = new ArrayList<>();
    try (Connection blocker = TestPostgres.connect(database)) {
      blocker.setAutoCommit(false);
      blocker.createStatement().execute("LOCK TABLE latchkey.sessions IN ACCESS EXCLUSIVE MODE");
      for (int i = 0; i < 20; i++) {
        same.add(client.lookup(repeated));
      }
      for (int i = 0; i < 7; i++) {
        distinct.add(client.lookup(Tokens.generate()));
      }

      Eventually.await(WAIT, () -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
          + "AND application_name = 'latchkey' AND wait_event_type = 'Lock'"), n -> n == 5,
          "five queries waiting: one shared by 20 lookups, four distinct");
      long overloaded = distinct.stream().filter(Future::failed)
          .filter(f -> SessionService.failureOf(f.cause()) == SessionFailure.OVERLOADED).count();
      assertThat(overloaded).as("the misses beyond the bound are shed at once").isEqualTo(3);
      blocker.commit();
    }
    for (Future<CachedSession> f : same) {
      assertThat(SessionNode.failureOf(f)).isEqualTo(SessionFailure.SESSION_NOT_FOUND);
    }
    assertThat(distinct.stream().map(SessionNode::failureOf))
        .containsOnly(SessionFailure.SESSION_NOT_FOUND, SessionFailure.OVERLOADED);
  }

  @Test
  @DisplayName("last_seen_at is written in coalesced batches, not once per request (statements counted)")
  void lastSeenIsCoalesced() throws Exception {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      s.execute("CREATE TABLE update_statements (n int NOT NULL)");
      s.execute("CREATE FUNCTION count_update() RETURNS trigger LANGUAGE plpgsql AS "
          + "$$ BEGIN INSERT INTO latchkey.update_statements VALUES (1); RETURN NULL; END $$");
      s.execute("CREATE TRIGGER count_updates AFTER UPDATE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION count_update()");
    }
    startNode(Map.of("LAST_SEEN_FLUSH_MS", 3_600_000));
    CreatedSession s = client.create(Identity.parse("email", "seen@example.com"), null, null).await();

    for (int i = 0; i < 200; i++) {
      client.lookup(s.token()).await();
    }
    assertThat(count("SELECT count(*) FROM update_statements")).as("nothing written per request").isZero();
    node.stopVerticle();

    assertThat(count("SELECT count(*) FROM update_statements")).as("one batch, flushed on stop").isEqualTo(1);
    assertThat(count("SELECT count(*) FROM sessions WHERE last_seen_at IS NOT NULL")).isEqualTo(1);
  }

  private UUID insertAccount() throws SQLException {
    UUID account = UUID.randomUUID();
    try (Connection c = TestPostgres.connect(database);
        PreparedStatement ps = c.prepareStatement("INSERT INTO latchkey.accounts (account_id) VALUES (?)")) {
      ps.setObject(1, account);
      ps.executeUpdate();
    }
    return account;
  }

  private String insertDirectly(UUID account) throws SQLException {
    return TestPostgres.insertSession(database, account);
  }

  private String sessionIdOf(String token) throws SQLException {
    try (Connection c = TestPostgres.connect(database);
        PreparedStatement ps = c.prepareStatement("SELECT session_id FROM latchkey.sessions WHERE token_hash = ?")) {
      ps.setBytes(1, Tokens.hash(token).bytes());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private long count(String sql) throws SQLException {
    return TestPostgres.count(database, sql);
  }

  /** Every row of every table in the service's schema, as PostgreSQL's text form of the whole row. */
  private String dumpEveryRow() throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'latchkey'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT t::text FROM latchkey.\"" + table + "\" t")) {
          while (rs.next()) {
            out.append(rs.getString(1)).append('\n');
          }
        }
      }
    }
    return out.toString();
  }
}
