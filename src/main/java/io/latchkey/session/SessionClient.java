package io.latchkey.session;

import io.latchkey.account.Account;
import io.latchkey.account.Identity;
import io.latchkey.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/**
 * The typed way to talk to the local session verticle. Tokens are generated and hashed here, on the
 * caller's thread, so a token never travels on the event bus at all: only its hash does. Every request
 * has a timeout; failures are {@link ReplyException}s carrying a {@link SessionFailure} code.
 */
public final class SessionClient {

  private static final ReplyException NOT_FOUND = new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
      SessionFailure.SESSION_NOT_FOUND.code(), "no such session");
  static final ReplyException STALE = new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
      SessionFailure.DATABASE_UNAVAILABLE.code(), "the node cannot reach the database to check the session");

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final SessionCache cache;
  private final long lastSeenIntervalMs;

  private SessionClient(Vertx vertx, Duration timeout, SessionCache cache, Duration lastSeenInterval) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis()).setLocalOnly(true);
    this.cache = cache;
    this.lastSeenIntervalMs = lastSeenInterval.toMillis();
  }

  /** A client that asks the session verticle for everything. */
  public static SessionClient create(Vertx vertx, Duration timeout) {
    return new SessionClient(vertx, timeout, null, Duration.ZERO);
  }

  /**
   * A client that answers cache hits itself, from the node's shared cache, and asks the session verticle
   * only for the rest: the hot path then costs no event-bus hop.
   */
  public static SessionClient create(Vertx vertx, Duration timeout, SessionCache cache, Duration lastSeenInterval) {
    return new SessionClient(vertx, timeout, cache, lastSeenInterval);
  }

  /** A session just created: the token is in the caller's hands only, to be returned exactly once. */
  public record CreatedSession(String token, UUID sessionId, UUID accountId, boolean accountCreated, long createdAtMs) {}

  /** Finds or creates the identity's account and opens a session on it. */
  public Future<CreatedSession> create(Identity identity, byte[] clientPublicKey, String device) {
    return create(new JsonObject().put("identity", identity.toJson()), clientPublicKey, device);
  }

  /** Opens a session on an existing account. */
  public Future<CreatedSession> create(UUID accountId, byte[] clientPublicKey, String device) {
    return create(new JsonObject().put("account_id", accountId.toString()), clientPublicKey, device);
  }

  private Future<CreatedSession> create(JsonObject request, byte[] clientPublicKey, String device) {
    String token = Tokens.generate();
    request.put("token_hash", Tokens.hash(token).toBase64()).put("device", device);
    if (clientPublicKey != null) {
      request.put("client_public_key", Base64.getEncoder().encodeToString(clientPublicKey));
    }
    return call(SessionAddresses.CREATE, request).map(reply -> new CreatedSession(token,
        UUID.fromString(reply.getString("session_id")), UUID.fromString(reply.getString("account_id")),
        reply.getBoolean("account_created"), reply.getLong("created_at_ms")));
  }

  /**
   * Who is this token? A malformed token fails with SESSION_NOT_FOUND without any lookup; a cache hit on a
   * node whose cache is not {@linkplain SessionCache#current() current} fails with DATABASE_UNAVAILABLE.
   *
   * @see SessionAddresses#LOOKUP
   */
  public Future<JsonObject> lookup(String token) {
    TokenHash hash = Tokens.hashIfWellFormed(token);
    if (hash == null) {
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
          SessionFailure.SESSION_NOT_FOUND.code(), "malformed token"));
    }
    CachedSession hit = cache == null ? null : cache.get(hash);
    if (hit == null) {
      return call(SessionAddresses.LOOKUP,
          new JsonObject().put("token_hash", hash.toBase64()).put("cache_checked", cache != null));
    }
    if (!hit.active()) {
      return Future.failedFuture(NOT_FOUND);
    }
    if (!cache.current()) {
      return Future.failedFuture(STALE);
    }
    markSeen(hit);
    return Future.succeededFuture(hit.toLookupReply());
  }

  /**
   * Who is this token, as a cached session: from the shared cache on a hit (no JSON, no event bus), else
   * from the session verticle's {@link SessionAddresses#LOOKUP}. Fails like {@link #lookup}.
   */
  public Future<CachedSession> session(String token) {
    TokenHash hash = Tokens.hashIfWellFormed(token);
    if (hash == null) {
      return Future.failedFuture(NOT_FOUND);
    }
    CachedSession hit = cache == null ? null : cache.get(hash);
    if (hit == null) {
      return call(SessionAddresses.LOOKUP,
          new JsonObject().put("token_hash", hash.toBase64()).put("cache_checked", cache != null))
          .map(CachedSession::fromLookupReply);
    }
    if (!hit.active()) {
      return Future.failedFuture(NOT_FOUND);
    }
    if (!cache.current()) {
      return Future.failedFuture(STALE);
    }
    markSeen(hit);
    return Future.succeededFuture(hit);
  }

  private void markSeen(CachedSession hit) {
    long now = System.currentTimeMillis();
    if (hit.markSeen(now, lastSeenIntervalMs)) {
      vertx.eventBus().send(SessionAddresses.SEEN,
          new JsonObject().put("session_id", hit.sessionId().toString()).put("at_ms", now), options);
    }
  }

  /**
   * An account with its identities, from the shared cache when it is there.
   *
   * @see SessionAddresses#ACCOUNT_GET
   */
  public Future<Account> account(UUID accountId) {
    Account cached = cache == null ? null : cache.account(accountId);
    return cached != null
        ? Future.succeededFuture(cached)
        : call(SessionAddresses.ACCOUNT_GET, new JsonObject().put("account_id", accountId.toString()))
            .map(Account::fromJson);
  }

  /** Sends a request to one of {@link SessionAddresses} and returns the reply body. */
  public Future<JsonObject> call(String address, JsonObject request) {
    return vertx.eventBus().<JsonObject>request(address, request, options).map(Message::body);
  }

  /** The {@link SessionFailure} a failed call carries, if it carries one. */
  public static SessionFailure failureOf(Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return SessionFailure.fromCode(reply.failureCode()).orElse(null);
    }
    return null;
  }
}
