package io.latchkey.session;

import io.latchkey.account.Account;
import io.latchkey.account.AccountNotFoundException;
import io.latchkey.account.AccountStore;
import io.latchkey.account.Identity;
import io.latchkey.account.IdentityTakenException;
import io.latchkey.account.Provisioned;
import io.latchkey.config.AppConfig;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Uuid7;
import io.latchkey.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the session cache and the PostgreSQL stores, and answers on the addresses of
 * {@link SessionAddresses}. Deployed once per node, before the HTTP verticles.
 *
 * <p>Writes go to PostgreSQL first, then to the cache. Every revocation is applied to this node's cache
 * before the reply and published cluster-wide. Start-up completes once the consumers are registered; the
 * cache warm-up then runs in the background and {@link SessionAddresses#HEALTH_CACHE} says when it is
 * done, so the node answers {@code /readyz} with 503 instead of refusing connections while it warms.
 */
public final class SessionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);
  /** How far back each catch-up looks before its watermark: a generous bound on commit delay. */
  static final long COMMIT_SLACK_MS = 10_000;
  private static final int CATCH_UP_PAGE = 5_000;
  /** How old the database check's result {@code /readyz} answers from may be. */
  static final long DATABASE_CHECK_MAX_AGE_MS = 1_000;

  private final DatabaseTarget database;
  private final AppConfig config;
  private final Metrics metrics;
  private Pool pool;
  private SessionStore sessions;
  private AccountStore accounts;
  private final SessionCache cache;
  private LastSeenBatch lastSeen;
  private final Map<TokenHash, Future<CachedSession>> missesInFlight = new HashMap<>();
  /**
   * Revocations (epoch ms) that arrived while a miss's read of the same hash was in flight. The read's
   * snapshot may predate them, and the tombstone that should stop it may already be evicted.
   */
  private final Map<TokenHash, Long> revokedDuringRead = new HashMap<>();
  private boolean flushing;
  private boolean warm;
  /** Revocations recorded up to here (database clock, epoch ms) are applied; see {@link #catchUp()}. */
  private long revocationWatermarkMs = -1;
  private boolean catchingUp;
  private boolean catchUpAgain;
  private Future<JsonObject> databaseCheck;
  private long databaseCheckStartedNanos;
  /** Fires when the cache stops being current (see {@link #heardFromDatabase}); -1 when none is set. */
  private long staleTimer = -1;

  public SessionVerticle(DatabaseTarget database, AppConfig config, Metrics metrics) {
    this(database, config, metrics, SessionCache.create(config.sessionCache(), metrics.registry()));
  }

  /**
   * @param cache this node's cache, which this verticle alone writes; HTTP verticles may read it
   */
  public SessionVerticle(DatabaseTarget database, AppConfig config, Metrics metrics, SessionCache cache) {
    this.database = database;
    this.config = config;
    this.metrics = metrics;
    this.cache = cache;
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool()
        .with(new PoolOptions()
            .setMaxSize(config.dbPoolSize())
            .setMaxWaitQueueSize(config.dbPoolMaxWaiting())
            .setName("latchkey-sessions")
            .setConnectionTimeout((int) config.dbConnectTimeout().toMillis())
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .with(new NetClientOptions().setConnectTimeout((int) config.dbConnectTimeout().toMillis()))
        .connectingTo(database.connectOptions(config.dbSchema(), config.dbStatementTimeout()))
        .using(vertx)
        .build();
    sessions = SessionStore.create(pool);
    accounts = AccountStore.create(pool);
    lastSeen = new LastSeenBatch(config.lastSeen().maxPending());

    vertx.setPeriodic(config.lastSeen().flushEvery().toMillis(), id -> flushLastSeen());
    vertx.setPeriodic(config.revocationPoll().toMillis(), id -> catchUp());
    heardFromDatabase(System.nanoTime());

    EventBus bus = vertx.eventBus();
    return Future.all(List.of(
            local(bus, SessionAddresses.LOOKUP, this::lookup),
            bus.<JsonObject>localConsumer(SessionAddresses.SEEN, this::seen).completion(),
            local(bus, SessionAddresses.CREATE, this::create),
            local(bus, SessionAddresses.GET, this::get),
            local(bus, SessionAddresses.LIST, this::list),
            local(bus, SessionAddresses.REVOKE, this::revoke),
            local(bus, SessionAddresses.REVOKE_ALL, this::revokeAll),
            local(bus, SessionAddresses.ACCOUNT_FIND_OR_CREATE, this::findOrCreateAccount),
            local(bus, SessionAddresses.ACCOUNT_LINK, this::linkIdentity),
            local(bus, SessionAddresses.ACCOUNT_GET, this::getAccount),
            local(bus, SessionAddresses.HEALTH_DATABASE, this::databaseHealth),
            local(bus, SessionAddresses.HEALTH_CACHE, this::cacheHealth),
            bus.<JsonObject>localConsumer(SessionAddresses.CATCH_UP, message -> catchUp()).completion(),
            bus.<JsonObject>consumer(SessionAddresses.INVALIDATED, this::applyInvalidation).completion(),
            bus.<JsonObject>consumer(SessionAddresses.ACCOUNT_CHANGED, this::forgetAccount).completion()))
        .onSuccess(registered -> warmUp());
  }

  /**
   * Writes what last-seen marks are pending, then closes the pool. A database that does not answer gets
   * one statement timeout for that write: shutdown never waits on it for longer.
   */
  @Override
  public Future<?> stop() {
    Future<?> flushed = lastSeen.isEmpty() ? Future.succeededFuture() : writeLastSeen(lastSeen.drain())
        .timeout(config.dbStatementTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return flushed.eventually(pool::close);
  }

  private Future<Void> local(EventBus bus, String address, Function<JsonObject, Future<JsonObject>> action) {
    Handler<Message<Object>> handler = message -> {
      Future<JsonObject> reply;
      try {
        reply = action.apply(Fields.body(message.body()));
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(message::reply, failure -> fail(message, address, failure));
    };
    return bus.localConsumer(address, handler).completion();
  }

  // ---- sessions ----

  private Future<JsonObject> lookup(JsonObject body) {
    TokenHash hash = Fields.tokenHash(body);
    // a caller that already looked in the shared cache (and counted its miss) asks for a second look only
    CachedSession cached = Fields.flag(body, "cache_checked") ? cache.peek(hash) : cache.get(hash);
    Future<CachedSession> found = cached != null ? Future.succeededFuture(cached) : miss(hash);
    return found.map(session -> {
      if (session == null || !session.active()) {
        throw new SessionNotFound();
      }
      if (cached != null && !cache.current()) {
        throw new Stale();
      }
      if (session.markSeen(System.currentTimeMillis(), config.lastSeen().interval().toMillis())) {
        if (!lastSeen.mark(session.sessionId(), System.currentTimeMillis())) {
          metrics.lastSeenDropped.increment();
        }
      }
      return session.toLookupReply();
    });
  }

  /**
   * A cache miss goes to PostgreSQL, with three bounds on the load a caller can cause: concurrent misses
   * for one hash share one query, unknown hashes are remembered for the negative-cache period, and at
   * most {@code MAX_INFLIGHT_MISSES} distinct queries wait at once (beyond that: OVERLOADED). A revocation
   * noted while the query was in flight wins over the row it returns.
   */
  private Future<CachedSession> miss(TokenHash hash) {
    if (cache.knownUnknown(hash)) {
      return Future.succeededFuture(null);
    }
    Future<CachedSession> pending = missesInFlight.get(hash);
    if (pending != null) {
      return pending;
    }
    if (missesInFlight.size() >= config.sessionCache().maxInflightMisses()) {
      return Future.failedFuture(new Overloaded());
    }
    Future<CachedSession> read = sessions.findByHash(hash).map(row -> {
      if (row == null) {
        cache.rememberUnknown(hash);
        return null;
      }
      CachedSession fromDatabase = new CachedSession(row.sessionId(), row.accountId(), row.clientPublicKey(),
          row.createdAt().toEpochMilli(), row.active() ? 0L : row.revokedAt().toEpochMilli());
      Long revokedAtMs = revokedDuringRead.get(hash);
      if (revokedAtMs != null && fromDatabase.active()) {
        fromDatabase = fromDatabase.revoked(revokedAtMs);
      }
      return cache.fill(hash, fromDatabase);
    });
    missesInFlight.put(hash, read);
    return read.andThen(done -> {
      missesInFlight.remove(hash);
      revokedDuringRead.remove(hash);
    });
  }

  private Future<JsonObject> create(JsonObject body) {
    TokenHash hash = Fields.tokenHash(body);
    byte[] key = Fields.optionalPublicKey(body);
    String device = Fields.optionalDevice(body);
    UUID sessionId = Uuid7.next();
    if (body.getValue("identity") == null) {
      return sessions.insert(sessionId, Fields.uuid(body, "account_id"), hash, key, device)
          .map(row -> created(hash, row, false));
    }
    Identity identity = identity(body);
    // a known identity: one statement; an unknown one: its account first (created or, if another call
    // just created it, found), then the session
    return sessions.insertForIdentity(sessionId, identity, hash, key, device).compose(row -> row != null
        ? Future.succeededFuture(created(hash, row, false))
        : accounts.findOrCreate(identity).compose(owner -> sessions.insert(sessionId, owner.accountId(), hash, key,
            device).map(inserted -> created(hash, inserted, owner.created()))));
  }

  private JsonObject created(TokenHash hash, SessionRecord row, boolean accountCreated) {
    cache.putCreated(hash, new CachedSession(row.sessionId(), row.accountId(), row.clientPublicKey(),
        row.createdAt().toEpochMilli(), 0L));
    metrics.sessionsCreated.increment();
    return new JsonObject()
        .put("session_id", row.sessionId().toString())
        .put("account_id", row.accountId().toString())
        .put("account_created", accountCreated)
        .put("created_at_ms", row.createdAt().toEpochMilli());
  }

  private Future<JsonObject> get(JsonObject body) {
    return sessions.findById(Fields.uuid(body, "session_id")).map(row -> {
      if (row == null) {
        throw new SessionNotFound();
      }
      return row.toJson();
    });
  }

  private Future<JsonObject> list(JsonObject body) {
    return sessions.listByAccount(Fields.uuid(body, "account_id"), Fields.flag(body, "active_only")).map(rows -> {
      JsonArray list = new JsonArray();
      rows.forEach(row -> list.add(row.toJson()));
      return new JsonObject().put("sessions", list);
    });
  }

  private Future<JsonObject> revoke(JsonObject body) {
    UUID sessionId = Fields.uuid(body, "session_id");
    UUID owner = Fields.optionalUuid(body, "account_id");
    String reason = Fields.optionalString(body, "reason", 200);
    String by = Fields.optionalString(body, "by", 200);
    return sessions.revoke(sessionId, owner, reason, by).compose(revoked -> {
      if (revoked != null) {
        broadcast(new Invalidation(revoked.revokedAtMs(), null, List.of(revoked)));
        return Future.succeededFuture(revocationReply(sessionId, true, revoked.revokedAtMs()));
      }
      return sessions.findById(sessionId).map(row -> {
        if (row == null || (owner != null && !owner.equals(row.accountId()))) {
          throw new SessionNotFound();
        }
        if (row.active()) {
          // revoked by a concurrent call between the two statements is the only way to get here active
          throw new IllegalStateException("session changed during revocation");
        }
        return revocationReply(sessionId, false, row.revokedAt().toEpochMilli());
      });
    });
  }

  private Future<JsonObject> revokeAll(JsonObject body) {
    UUID accountId = Fields.uuid(body, "account_id");
    UUID keep = Fields.optionalUuid(body, "keep_session_id");
    String reason = Fields.optionalString(body, "reason", 200);
    String by = Fields.optionalString(body, "by", 200);
    return sessions.revokeAll(accountId, keep, reason, by).map(revoked -> {
      JsonArray ids = new JsonArray();
      revoked.forEach(r -> ids.add(r.sessionId().toString()));
      if (!revoked.isEmpty()) {
        long at = revoked.stream().mapToLong(Revoked::revokedAtMs).max().orElseThrow();
        broadcast(new Invalidation(at, accountId, revoked));
      }
      return new JsonObject().put("revoked", revoked.size()).put("session_ids", ids);
    });
  }

  /** Applies a revocation here at once (read-your-writes), then tells every node, this one included. */
  private void broadcast(Invalidation invalidation) {
    apply(invalidation);
    metrics.sessionsRevoked.increment(invalidation.sessions().size());
    vertx.eventBus().publish(SessionAddresses.INVALIDATED,
        invalidation.toJson().put("published_at_ms", System.currentTimeMillis()));
    metrics.invalidationsPublished.increment();
  }

  private void applyInvalidation(Message<JsonObject> message) {
    try {
      apply(Invalidation.fromJson(message.body()));
      metrics.invalidationsReceived.increment();
      Long published = message.body().getLong("published_at_ms");
      if (published != null) {
        metrics.invalidationLag.record(Math.max(0, System.currentTimeMillis() - published), TimeUnit.MILLISECONDS);
      }
    } catch (RuntimeException e) {
      LOG.warn("Ignoring a malformed invalidation message: {}", e.getMessage());
    }
  }

  private void apply(Invalidation invalidation) {
    for (Revoked r : invalidation.sessions()) {
      cache.tombstone(r.tokenHash(), new CachedSession(r.sessionId(), r.accountId(), null, 0L, 0L),
          r.revokedAtMs());
      noteIfReadInFlight(r.tokenHash(), r.revokedAtMs());
    }
  }

  private void noteIfReadInFlight(TokenHash hash, long revokedAtMs) {
    if (missesInFlight.containsKey(hash)) {
      revokedDuringRead.put(hash, revokedAtMs);
    }
  }

  private static JsonObject revocationReply(UUID sessionId, boolean revokedNow, long revokedAtMs) {
    return new JsonObject()
        .put("session_id", sessionId.toString())
        .put("revoked", revokedNow)
        .put("revoked_at_ms", revokedAtMs);
  }

  // ---- accounts ----

  private Future<JsonObject> findOrCreateAccount(JsonObject body) {
    return accounts.findOrCreate(identity(body)).map(p -> new JsonObject()
        .put("account_id", p.accountId().toString())
        .put("created", p.created()));
  }

  private Future<JsonObject> linkIdentity(JsonObject body) {
    UUID accountId = Fields.uuid(body, "account_id");
    return accounts.link(accountId, identity(body)).map(v -> {
      cache.forgetAccount(accountId);
      vertx.eventBus().publish(SessionAddresses.ACCOUNT_CHANGED, new JsonObject().put("account_id", accountId.toString()));
      return new JsonObject().put("account_id", accountId.toString());
    });
  }

  /** By id from the account cache when it can; by identity always from the database (an admin lookup). */
  private Future<JsonObject> getAccount(JsonObject body) {
    Future<Account> found;
    if (body.getValue("identity") != null) {
      found = accounts.findByIdentity(identity(body));
    } else {
      UUID accountId = Fields.uuid(body, "account_id");
      Account cached = cache.account(accountId);
      found = cached != null ? Future.succeededFuture(cached) : accounts.findById(accountId).andThen(read -> {
        if (read.succeeded() && read.result() != null) {
          cache.putAccount(read.result());
        }
      });
    }
    return found.map(account -> {
      if (account == null) {
        throw new AccountNotFoundException();
      }
      return account.toJson();
    });
  }

  /** A cache hit answered outside this verticle: record its last-seen mark here, where the batch lives. */
  private void seen(Message<JsonObject> message) {
    try {
      if (!lastSeen.mark(UUID.fromString(message.body().getString("session_id")), message.body().getLong("at_ms"))) {
        metrics.lastSeenDropped.increment();
      }
    } catch (RuntimeException e) {
      LOG.warn("Ignoring a malformed last-seen message: {}", e.getMessage());
    }
  }

  private void forgetAccount(Message<JsonObject> message) {
    try {
      cache.forgetAccount(UUID.fromString(message.body().getString("account_id")));
    } catch (RuntimeException e) {
      LOG.warn("Ignoring a malformed account-changed message: {}", e.getMessage());
    }
  }

  private static Identity identity(JsonObject body) {
    Object identity = body.getValue("identity");
    if (!(identity instanceof JsonObject json)) {
      throw new IllegalArgumentException("identity must be an object with kind and subject");
    }
    return Identity.fromJson(json);
  }

  // ---- health, warm-up, last-seen ----

  /**
   * {@code /readyz} is open to anyone, so it must not turn callers into queries: every caller shares the
   * check in flight, or the result of one started less than {@link #DATABASE_CHECK_MAX_AGE_MS} ago. A check
   * that does not answer within {@code HEALTH_CHECK_TIMEOUT_MS} fails, so a hung one is not shared longer.
   */
  private Future<JsonObject> databaseHealth(JsonObject body) {
    long now = System.nanoTime();
    if (databaseCheck == null || databaseCheck.isComplete()
        && now - databaseCheckStartedNanos >= TimeUnit.MILLISECONDS.toNanos(DATABASE_CHECK_MAX_AGE_MS)) {
      databaseCheckStartedNanos = now;
      metrics.databaseChecks.increment();
      databaseCheck = sessions.ping()
          .timeout(config.healthCheckTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .map(v -> new JsonObject().put("ok", true));
    }
    return databaseCheck;
  }

  private Future<JsonObject> cacheHealth(JsonObject body) {
    return Future.succeededFuture(new JsonObject().put("warm", warm).put("current", cache.current())
        .put("size", cache.size()));
  }

  /**
   * Fills the cache with active sessions. The revocation watermark is read from the database clock
   * first, so any revocation the warm-up's snapshot may not reflect is newer than the watermark and is
   * picked up by the safety net.
   */
  private void warmUp() {
    long started = System.nanoTime();
    var settings = config.sessionCache();
    Future<Void> watermark = revocationWatermarkMs >= 0
        ? Future.succeededFuture()
        : sessions.databaseNow().map(now -> {
          revocationWatermarkMs = now;
          heardFromDatabase(started);
          return null;
        });
    watermark.compose(v -> sessions.streamActive(settings.maxEntries(), settings.warmupFetchSize(), cache::fill))
        .onComplete(
        loaded -> {
          warm = true;
          LOG.info("Session cache warm: {} active session(s) loaded in {} ms", loaded,
              (System.nanoTime() - started) / 1_000_000);
        },
        failure -> {
          LOG.warn("Session cache warm-up failed ({}); retrying in {} ms", describe(failure),
              settings.warmupRetry().toMillis());
          vertx.setTimer(settings.warmupRetry().toMillis(), t -> warmUp());
        });
  }

  /**
   * The missed-broadcast safety net: applies every revocation PostgreSQL recorded after the watermark
   * (minus {@link #COMMIT_SLACK_MS}, for revocations whose transaction committed after a later one's
   * clock reading), then moves the watermark to the database time of the read. Runs every
   * {@code REVOCATION_POLL_MS} and at once on a membership change; never two at a time.
   *
   * <p>While the boot warm-up runs, its cursor's snapshot may predate a revocation the poll finds, and
   * its row would then be cached as active after the poll. So a poll during warm-up writes a tombstone
   * for every revocation it finds, cached or not (warm-up only fills what is absent, so it loses to the
   * tombstone), and leaves the watermark where it was: the first poll after warm-up reads those
   * revocations again and repairs a row whose tombstone the size bound evicted before warm-up reached it.
   */
  private void catchUp() {
    if (revocationWatermarkMs < 0) {
      return;
    }
    if (catchingUp) {
      catchUpAgain = true;
      return;
    }
    catchingUp = true;
    long started = System.nanoTime();
    catchUpFrom(revocationWatermarkMs - COMMIT_SLACK_MS, 0, warm).onComplete(applied -> {
      catchingUp = false;
      metrics.revocationPolls.increment();
      heardFromDatabase(started);
      if (applied > 0) {
        LOG.info("Safety net applied {} revocation(s) this node had not seen", applied);
      }
      if (catchUpAgain) {
        catchUpAgain = false;
        catchUp();
      }
    }, failure -> {
      catchingUp = false;
      LOG.warn("Revocation catch-up failed ({}); retrying at the next poll", describe(failure));
    });
  }

  /**
   * @param advance whether to move the watermark: only when the poll started after warm-up was done
   */
  private Future<Integer> catchUpFrom(long afterMs, int appliedSoFar, boolean advance) {
    return sessions.revokedAfter(afterMs, CATCH_UP_PAGE).compose(page -> {
      int applied = appliedSoFar;
      for (Revoked r : page.revoked()) {
        boolean changed = warm
            ? cache.revokeIfCached(r.tokenHash(), r.revokedAtMs())
            : cache.tombstone(r.tokenHash(), new CachedSession(r.sessionId(), r.accountId(), null, 0L, 0L),
                r.revokedAtMs());
        if (changed) {
          applied++;
        }
        noteIfReadInFlight(r.tokenHash(), r.revokedAtMs());
      }
      long last = page.revoked().isEmpty() ? afterMs : page.revoked().get(page.revoked().size() - 1).revokedAtMs();
      if (page.revoked().size() == CATCH_UP_PAGE && last > afterMs) {
        return catchUpFrom(last, applied, advance);
      }
      if (advance) {
        revocationWatermarkMs = Math.max(revocationWatermarkMs, page.databaseNowMs());
      }
      return Future.succeededFuture(applied);
    });
  }

  /**
   * The node knows every revocation PostgreSQL had recorded when a read that started at {@code atNanos}
   * (a poll, or the watermark read) was answered: the cache stays {@linkplain SessionCache#current()
   * current} until {@code SESSION_CACHE_MAX_STALENESS_MS} after that, unless another such read succeeds.
   * Only PostgreSQL counts, not the cluster: a broadcast heard proves the cluster works, not that no
   * revocation was missed (a lost broadcast, a node dying before it publishes, a writer outside the cluster).
   */
  private void heardFromDatabase(long atNanos) {
    long boundMs = config.sessionCache().maxStaleness().toMillis();
    if (boundMs == 0) {
      return;
    }
    if (staleTimer >= 0) {
      vertx.cancelTimer(staleTimer);
      staleTimer = -1;
    }
    long leftMs = boundMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - atNanos);
    if (leftMs <= 0) {
      stale(boundMs);
      return;
    }
    if (!cache.current()) {
      cache.current(true);
      LOG.info("PostgreSQL's revocations read again: cached sessions are answered again");
    }
    staleTimer = vertx.setTimer(leftMs, id -> {
      staleTimer = -1;
      stale(boundMs);
    });
  }

  private void stale(long boundMs) {
    if (cache.current()) {
      cache.current(false);
      LOG.warn("No revocation poll has reached PostgreSQL for {} ms (SESSION_CACHE_MAX_STALENESS_MS): cached "
          + "sessions are answered 503 until one does", boundMs);
    }
  }

  private void flushLastSeen() {
    if (flushing || lastSeen.isEmpty()) {
      return;
    }
    flushing = true;
    writeLastSeen(lastSeen.drain()).onComplete(done -> flushing = false);
  }

  private Future<Integer> writeLastSeen(Map<UUID, Long> batch) {
    metrics.lastSeenBatch.record(batch.size());
    return sessions.touchLastSeen(batch).onFailure(failure -> {
      metrics.lastSeenDropped.increment(batch.size());
      LOG.warn("Dropped {} last-seen update(s): {}", batch.size(), describe(failure));
    });
  }

  // ---- failures ----

  private static void fail(Message<?> message, String address, Throwable failure) {
    if (failure instanceof SessionNotFound) {
      message.fail(SessionFailure.SESSION_NOT_FOUND.code(), "no such session");
    } else if (failure instanceof AccountNotFoundException) {
      message.fail(SessionFailure.ACCOUNT_NOT_FOUND.code(), failure.getMessage());
    } else if (failure instanceof IdentityTakenException) {
      message.fail(SessionFailure.IDENTITY_TAKEN.code(), failure.getMessage());
    } else if (failure instanceof Overloaded || failure instanceof ConnectionPoolTooBusyException) {
      message.fail(SessionFailure.OVERLOADED.code(), "too many requests are waiting for the database");
    } else if (failure instanceof Stale) {
      message.fail(SessionFailure.DATABASE_UNAVAILABLE.code(), SessionClient.STALE.getMessage());
    } else if (failure instanceof IllegalArgumentException) {
      message.fail(SessionFailure.INVALID_REQUEST.code(), failure.getMessage());
    } else {
      LOG.warn("{} failed: {}", address, describe(failure));
      message.fail(SessionFailure.DATABASE_UNAVAILABLE.code(), "the database could not answer");
    }
  }

  /** Names a failure without its details: a PostgreSQL error detail can quote row values. */
  private static String describe(Throwable failure) {
    if (failure instanceof PgException pg) {
      return "PostgreSQL " + pg.getSqlState() + " " + pg.getErrorMessage();
    }
    return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
  }

  private static final class SessionNotFound extends RuntimeException {
    SessionNotFound() {
      super(null, null, false, false);
    }
  }

  /** A cache hit on a node whose cache is not current: answered like a database that cannot answer. */
  private static final class Stale extends RuntimeException {
    Stale() {
      super(null, null, false, false);
    }
  }

  private static final class Overloaded extends RuntimeException {
    Overloaded() {
      super(null, null, false, false);
    }
  }
}
