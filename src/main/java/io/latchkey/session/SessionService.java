package io.latchkey.session;

import io.latchkey.account.Account;
import io.latchkey.account.AccountPage;
import io.latchkey.account.AuditPage;
import io.latchkey.account.Identity;
import io.latchkey.account.Linked;
import io.latchkey.account.Provisioned;
import io.latchkey.session.impl.EventBusSessionService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The one way into the node's {@link SessionVerticle}, which alone owns the session store, the account
 * store and the cache. Every method is one request to it over the local event bus (never across the
 * cluster: nothing about a token leaves the node), with a timeout; the HTTP tiers use nothing else.
 *
 * <p>Failures are {@link ReplyException}s carrying a {@link SessionFailure} code ({@link #failureOf}); a
 * database that cannot answer is {@link SessionFailure#DATABASE_UNAVAILABLE}, never a success: "can't
 * check" is not "valid". A request that times out has an unknown outcome (the verticle may still complete
 * it); every write is idempotent or safe to retry.
 */
public interface SessionService {

  /** A client that asks the session verticle for everything. */
  static SessionService create(Vertx vertx, Duration timeout) {
    return new EventBusSessionService(vertx, timeout, null, Duration.ZERO, Lifetimes.NONE);
  }

  /**
   * A client that answers cache hits itself, from the node's shared cache, and asks the session verticle
   * only for the rest: the hot path then costs no event-bus hop. Hits send a coalesced last-seen mark at
   * most once per {@code lastSeenInterval} per session. A hit past its maximum lifetime is answered like a
   * revoked session; a hit this node has not answered for the idle timeout goes to the session verticle,
   * which asks PostgreSQL whether another node used it since. Without a cache ({@code null}) every lookup
   * goes to the session verticle.
   */
  static SessionService create(Vertx vertx, Duration timeout, SessionCache cache, Duration lastSeenInterval,
      Lifetimes lifetimes) {
    return new EventBusSessionService(vertx, timeout, cache, lastSeenInterval, lifetimes);
  }

  /**
   * Finds or creates the identity's account and opens a session on it; the token is generated and hashed
   * here. INVALID_REQUEST for a key that is not 32 bytes or a device label over 200 characters;
   * ACCOUNT_DISABLED when the account is disabled (nothing is created).
   */
  Future<CreatedSession> create(Identity identity, byte[] clientPublicKey, String device);

  /** Opens a session on an existing, active account; ACCOUNT_NOT_FOUND, ACCOUNT_DISABLED otherwise. */
  Future<CreatedSession> create(UUID accountId, byte[] clientPublicKey, String device);

  /**
   * Who is this token? The active session, from the shared cache on a hit, else from PostgreSQL through
   * the session verticle (misses are bounded: OVERLOADED beyond {@code MAX_INFLIGHT_MISSES}). An unknown,
   * revoked, expired (SPEC §5b lifetimes) or malformed token fails with SESSION_NOT_FOUND, a malformed one
   * without any lookup; a cache
   * hit on a node whose cache is not {@linkplain SessionCache#current() current} fails with
   * DATABASE_UNAVAILABLE.
   */
  Future<CachedSession> lookup(String token);

  /**
   * Who is this device-bound session? The credential of a request signed with {@code keyid} and no token
   * (SPEC §6, signature alone): the caller verifies the signature with the key of the session answered. The
   * same rules as {@link #lookup}: from the shared cache on a hit (its entries are found by session id for
   * device-bound sessions only), else through the session verticle and PostgreSQL, with the same bounds on
   * misses (ids known to name no device-bound session are remembered for the negative-cache period);
   * revocations, lifetimes and staleness apply alike. SESSION_NOT_FOUND when no active session has this id,
   * or the one that has it is not device-bound.
   */
  Future<CachedSession> deviceSession(UUID sessionId);

  /** One session, active or revoked, by id; SESSION_NOT_FOUND. */
  Future<SessionRecord> session(UUID sessionId);

  /** An account's sessions, newest first; only the active ones when {@code activeOnly}. */
  Future<List<SessionRecord>> sessions(UUID accountId, boolean activeOnly);

  /**
   * Revokes one session (idempotent): in PostgreSQL first, then in this node's cache, then broadcast to
   * every node. With an {@code owner}, only a session of that account is touched. SESSION_NOT_FOUND if
   * there is no such session (of that owner).
   */
  Future<Revocation> revoke(UUID sessionId, UUID owner, Actor actor, String reason);

  /**
   * Revokes the session a token opens (RFC 7009), like {@link #revoke}: in PostgreSQL first, then in this
   * node's cache, then broadcast. The token is hashed here; a malformed one is answered without a request.
   *
   * @return whether this call revoked an active session (false: the token is unknown, malformed or already
   *     revoked, all of which RFC 7009 answers alike)
   */
  Future<Boolean> revokeToken(String token, Actor actor, String reason);

  /**
   * Revokes every active session of an account but {@code keep} (nullable), in one statement, and
   * broadcasts it.
   *
   * @return the ids of the sessions this call revoked
   */
  Future<List<UUID>> revokeAll(UUID accountId, UUID keep, Actor actor, String reason);

  /** An account with its identities, from the shared cache when it is there; ACCOUNT_NOT_FOUND. */
  Future<Account> account(UUID accountId);

  /** The account holding an identity, always from PostgreSQL; ACCOUNT_NOT_FOUND. */
  Future<Account> account(Identity identity);

  /** The identity's account, created with it if there is none (race-safe: exactly one is created). */
  Future<Provisioned> findOrCreateAccount(Identity identity);

  /**
   * Links another identity to an account, audited as {@code actor}'s: {@link Linked#newlyLinked()} false when
   * the account already held it; IDENTITY_TAKEN if another account holds it (of concurrent claims exactly one
   * wins), ACCOUNT_NOT_FOUND. Every node drops its cached copy of the account.
   */
  Future<Linked> linkIdentity(UUID accountId, Identity identity, Actor actor);

  /**
   * Removes an identity from an account, audited; IDENTITY_NOT_FOUND if the account does not hold it,
   * LAST_IDENTITY if it is the account's only one, ACCOUNT_NOT_FOUND. Every node drops its cached copy.
   */
  Future<Void> unlinkIdentity(UUID accountId, Identity identity, Actor actor);

  /**
   * Disables an account: in one transaction its status, an audit event and the revocation of every active
   * session (reason {@code reason}); then the revocation is applied and broadcast like any revoke-all, and
   * every node drops its cached copy of the account. From then on every create for it is ACCOUNT_DISABLED; a
   * create racing the disable either commits first (and is revoked by it) or is refused. Idempotent.
   *
   * @return the ids of the sessions this call revoked; ACCOUNT_NOT_FOUND
   */
  Future<List<UUID>> disableAccount(UUID accountId, Actor actor, String reason);

  /** Lets sessions be created for the account again (its revoked sessions stay revoked), audited. Idempotent. */
  Future<Void> enableAccount(UUID accountId, Actor actor);

  /**
   * Erases an account: its row, identities and sessions are deleted in one transaction, with an audit event
   * naming the account id only; the sessions that were active are logged as revoked (so a node that missed
   * the broadcast catches up through the safety net), then applied and broadcast. ACCOUNT_NOT_FOUND.
   */
  Future<Void> deleteAccount(UUID accountId, Actor actor);

  /** Accounts oldest first (by id) after {@code after} (nullable), at most {@code limit} (1..1000). */
  Future<AccountPage> accounts(UUID after, int limit);

  /**
   * Audit events oldest first (by id) after {@code after} (nullable), at most {@code limit} (1..1000); one
   * account's when {@code accountId} is given.
   */
  Future<AuditPage> auditEvents(UUID accountId, UUID after, int limit);

  /**
   * Succeeds when PostgreSQL answered a ping through the verticle's pool; DATABASE_UNAVAILABLE otherwise.
   * Concurrent calls share one ping, and its result answers every call for a second after it was sent.
   */
  Future<Void> databaseHealth();

  /** Whether the boot warm-up is done, whether the cache is current, and its size. */
  Future<CacheHealth> cacheHealth();

  /**
   * Runs the missed-broadcast safety net now (it also runs every {@code REVOCATION_POLL_MS}): sent when
   * cluster membership changes. Fire and forget.
   */
  void catchUp();

  /**
   * The lifetimes sessions are held to (SPEC §5b), for what the API shows ({@code expires_at}, {@code exp});
   * {@link Lifetimes#NONE} from a client made without them.
   */
  Lifetimes lifetimes();

  /** The {@link SessionFailure} a failed call carries, or {@code null} (a timeout, a bug). */
  static SessionFailure failureOf(Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return SessionFailure.fromCode(reply.failureCode()).orElse(null);
    }
    return null;
  }
}
