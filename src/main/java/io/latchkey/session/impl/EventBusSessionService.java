package io.latchkey.session.impl;

import io.latchkey.account.Account;
import io.latchkey.account.AccountPage;
import io.latchkey.account.AuditPage;
import io.latchkey.account.Identity;
import io.latchkey.account.Linked;
import io.latchkey.account.Provisioned;
import io.latchkey.session.Actor;
import io.latchkey.session.CacheHealth;
import io.latchkey.session.CachedSession;
import io.latchkey.session.CreatedSession;
import io.latchkey.session.Lifetimes;
import io.latchkey.session.Revocation;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionFailure;
import io.latchkey.session.SessionRecord;
import io.latchkey.session.SessionService;
import io.latchkey.session.TokenHash;
import io.latchkey.session.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * {@link SessionService} over the local event bus: each method builds its {@link Requests} record and
 * reads the typed reply. Tokens are generated and hashed here, on the caller's thread, so a token never
 * travels on the event bus at all; cache hits are answered here without a hop.
 */
public final class EventBusSessionService implements SessionService {

  private static final ReplyException NOT_FOUND = failure(SessionFailure.SESSION_NOT_FOUND, "no such session");
  static final ReplyException STALE = failure(SessionFailure.DATABASE_UNAVAILABLE,
      "the node cannot reach the database to check the session");

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final SessionCache cache;
  private final long lastSeenIntervalMs;
  private final Lifetimes lifetimes;

  public EventBusSessionService(Vertx vertx, Duration timeout, SessionCache cache, Duration lastSeenInterval,
      Lifetimes lifetimes) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis()).setLocalOnly(true);
    this.cache = cache;
    this.lastSeenIntervalMs = lastSeenInterval.toMillis();
    this.lifetimes = lifetimes;
    Local.registerCodec(vertx.eventBus());
  }

  @Override
  public Future<CreatedSession> create(Identity identity, byte[] clientPublicKey, String device) {
    return create(identity, null, clientPublicKey, device);
  }

  @Override
  public Future<CreatedSession> create(UUID accountId, byte[] clientPublicKey, String device) {
    return create(null, accountId, clientPublicKey, device);
  }

  private Future<CreatedSession> create(Identity identity, UUID accountId, byte[] clientPublicKey, String device) {
    String token = Tokens.generate();
    return this.<Requests.Created>ask(SessionAddresses.CREATE,
            () -> new Requests.Create(Tokens.hash(token), identity, accountId, clientPublicKey, device))
        .map(created -> new CreatedSession(token, created.row().sessionId(), created.row().accountId(),
            created.accountCreated(), created.row().createdAt().toEpochMilli()));
  }

  @Override
  public Future<CachedSession> lookup(String token) {
    TokenHash hash = Tokens.hashIfWellFormed(token);
    if (hash == null) {
      return Future.failedFuture(NOT_FOUND);
    }
    CachedSession hit = cache == null ? null : cache.get(hash);
    if (hit == null) {
      // a token PostgreSQL did not know within the negative-cache period: the session verticle would answer
      // from the same entry, so it is answered here, without the hop (a stream of made-up tokens costs the
      // session verticle nothing)
      return cache != null && cache.knownUnknown(hash)
          ? Future.failedFuture(NOT_FOUND)
          : ask(SessionAddresses.LOOKUP, () -> new Requests.Lookup(hash, cache != null));
    }
    Future<CachedSession> answered = answerHit(hit);
    // not used here for the idle timeout: only PostgreSQL knows whether another node used it since
    return answered != null ? answered : ask(SessionAddresses.LOOKUP, () -> new Requests.Lookup(hash, true));
  }

  @Override
  public Future<CachedSession> deviceSession(UUID sessionId) {
    if (sessionId == null) {
      return Future.failedFuture(NOT_FOUND);
    }
    CachedSession hit = cache == null ? null : cache.device(sessionId);
    if (hit == null) {
      // an id recently found to name no device-bound session, as for tokens above
      return cache != null && cache.knownUnknownId(sessionId)
          ? Future.failedFuture(NOT_FOUND)
          : ask(SessionAddresses.LOOKUP_DEVICE, () -> new Requests.LookupDevice(sessionId, cache != null));
    }
    Future<CachedSession> answered = answerHit(hit);
    return answered != null
        ? answered
        : ask(SessionAddresses.LOOKUP_DEVICE, () -> new Requests.LookupDevice(sessionId, true));
  }

  /**
   * The answer to a session found in the shared cache: refused when revoked or past its maximum lifetime,
   * 503 when the cache is not current; {@code null} when it has been idle here, for the session verticle to
   * decide.
   */
  private Future<CachedSession> answerHit(CachedSession hit) {
    long now = System.currentTimeMillis();
    if (!hit.active() || lifetimes.pastMaxLifetime(hit, now)) {
      return Future.failedFuture(NOT_FOUND);
    }
    if (!cache.current()) {
      return Future.failedFuture(STALE);
    }
    if (lifetimes.idleHere(hit, now)) {
      return null;
    }
    lifetimes.used(hit, now);
    markSeen(hit, now);
    return Future.succeededFuture(hit);
  }

  private void markSeen(CachedSession hit, long now) {
    if (hit.markSeen(now, lastSeenIntervalMs)) {
      vertx.eventBus().send(SessionAddresses.SEEN, new Local(new Requests.Seen(hit.sessionId(), now)), options);
    }
  }

  @Override
  public Future<SessionRecord> session(UUID sessionId) {
    return ask(SessionAddresses.GET, () -> new Requests.Get(sessionId));
  }

  @Override
  public Future<List<SessionRecord>> sessions(UUID accountId, boolean activeOnly) {
    return ask(SessionAddresses.LIST, () -> new Requests.ListSessions(accountId, activeOnly));
  }

  @Override
  public Future<Revocation> revoke(UUID sessionId, UUID owner, Actor actor, String reason) {
    return ask(SessionAddresses.REVOKE, () -> new Requests.Revoke(sessionId, owner, actor, reason));
  }

  @Override
  public Future<Boolean> revokeToken(String token, Actor actor, String reason) {
    TokenHash hash = Tokens.hashIfWellFormed(token);
    if (hash == null) {
      return Future.succeededFuture(false);
    }
    return ask(SessionAddresses.REVOKE_TOKEN, () -> new Requests.RevokeToken(hash, actor, reason));
  }

  @Override
  public Future<List<UUID>> revokeAll(UUID accountId, UUID keep, Actor actor, String reason) {
    return ask(SessionAddresses.REVOKE_ALL, () -> new Requests.RevokeAll(accountId, keep, actor, reason));
  }

  @Override
  public Future<Account> account(UUID accountId) {
    Account cached = cache == null || accountId == null ? null : cache.account(accountId);
    return cached != null
        ? Future.succeededFuture(cached)
        : ask(SessionAddresses.ACCOUNT_GET, () -> new Requests.GetAccount(accountId, null));
  }

  @Override
  public Future<Account> account(Identity identity) {
    return ask(SessionAddresses.ACCOUNT_GET, () -> new Requests.GetAccount(null, identity));
  }

  @Override
  public Future<Provisioned> findOrCreateAccount(Identity identity) {
    return ask(SessionAddresses.ACCOUNT_FIND_OR_CREATE, () -> new Requests.FindOrCreateAccount(identity));
  }

  @Override
  public Future<Linked> linkIdentity(UUID accountId, Identity identity, Actor actor) {
    return ask(SessionAddresses.ACCOUNT_LINK, () -> new Requests.LinkIdentity(accountId, identity, actor));
  }

  @Override
  public Future<Void> unlinkIdentity(UUID accountId, Identity identity, Actor actor) {
    return ask(SessionAddresses.ACCOUNT_UNLINK, () -> new Requests.UnlinkIdentity(accountId, identity, actor)).mapEmpty();
  }

  @Override
  public Future<List<UUID>> disableAccount(UUID accountId, Actor actor, String reason) {
    return ask(SessionAddresses.ACCOUNT_DISABLE, () -> new Requests.DisableAccount(accountId, actor, reason));
  }

  @Override
  public Future<Void> enableAccount(UUID accountId, Actor actor) {
    return ask(SessionAddresses.ACCOUNT_ENABLE, () -> new Requests.EnableAccount(accountId, actor)).mapEmpty();
  }

  @Override
  public Future<Void> deleteAccount(UUID accountId, Actor actor) {
    return ask(SessionAddresses.ACCOUNT_DELETE, () -> new Requests.DeleteAccount(accountId, actor)).mapEmpty();
  }

  @Override
  public Future<AccountPage> accounts(UUID after, int limit) {
    return ask(SessionAddresses.ACCOUNT_LIST, () -> new Requests.ListAccounts(after, limit));
  }

  @Override
  public Future<AuditPage> auditEvents(UUID accountId, UUID after, int limit) {
    return ask(SessionAddresses.AUDIT_LIST, () -> new Requests.ListAudit(accountId, after, limit));
  }

  @Override
  public Future<Void> databaseHealth() {
    return ask(SessionAddresses.HEALTH, () -> Requests.Health.DATABASE).mapEmpty();
  }

  @Override
  public Future<CacheHealth> cacheHealth() {
    return ask(SessionAddresses.HEALTH, () -> Requests.Health.CACHE);
  }

  @Override
  public Lifetimes lifetimes() {
    return lifetimes;
  }

  @Override
  public void catchUp() {
    vertx.eventBus().send(SessionAddresses.CATCH_UP, null, options);
  }

  /**
   * Sends the request the supplier builds and reads the reply. A request that cannot be built (an
   * argument out of range) fails with INVALID_REQUEST without being sent.
   */
  @SuppressWarnings("unchecked")
  private <T> Future<T> ask(String address, java.util.function.Supplier<Object> request) {
    Object body;
    try {
      body = request.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      return Future.failedFuture(failure(SessionFailure.INVALID_REQUEST, e.getMessage()));
    }
    return vertx.eventBus().<Local>request(address, new Local(body), options)
        .map(reply -> reply.body() == null ? null : (T) reply.body().body());
  }

  private static ReplyException failure(SessionFailure failure, String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, failure.code(), message);
  }
}
