package io.latchkey.session;

import io.latchkey.account.Identity;
import io.latchkey.session.impl.PgSessionStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

/** The PostgreSQL side of sessions. All SQL lives in the implementation's query class. */
public interface SessionStore {

  static SessionStore create(Pool pool) {
    return new PgSessionStore(pool);
  }

  /** Succeeds when the database answers a trivial query. */
  Future<Void> ping();

  /**
   * Inserts an active session for an active account.
   *
   * @return the stored row; a failed future with {@link io.latchkey.account.AccountNotFoundException} if
   *     the account does not exist, {@link io.latchkey.account.AccountDisabledException} if it is disabled
   */
  Future<SessionRecord> insert(UUID sessionId, UUID accountId, TokenHash tokenHash, byte[] clientPublicKey,
      String device);

  /**
   * Inserts an active session for the account that owns {@code identity}, finding the account and inserting
   * in one statement (the common case of a session for a known identity: one round trip).
   *
   * @return the stored row, or {@code null} if no account has this identity or its account is disabled
   *     (nothing is inserted)
   */
  Future<SessionRecord> insertForIdentity(UUID sessionId, Identity identity, TokenHash tokenHash,
      byte[] clientPublicKey, String device);

  /**
   * Inserts every session in one statement, so in one transaction with one commit: the group commit of
   * creates that arrive together. Each is inserted as {@link #insert} or {@link #insertForIdentity} would,
   * or not at all.
   *
   * @return the stored rows by session id; a session whose account is missing or disabled, or whose identity
   *     no account has, is absent (nothing was inserted for it)
   */
  Future<Map<UUID, SessionRecord>> insertAll(List<NewSession> sessions);

  /** A session to insert, for an account given by its id or by one of its identities (exactly one). */
  record NewSession(UUID sessionId, UUID accountId, Identity identity, TokenHash tokenHash, byte[] clientPublicKey,
      String device) {}

  /** The session with this token hash, active or revoked, or {@code null}. */
  Future<SessionRecord> findByHash(TokenHash tokenHash);

  /** The session with this id, or {@code null}. */
  Future<SessionRecord> findById(UUID sessionId);

  /**
   * The session with this id together with its token hash, or {@code null}: what a lookup by session id (a
   * request signed with {@code keyid}, SPEC §6) needs to cache the session where its token's lookups find it.
   */
  Future<Keyed> findKeyedById(UUID sessionId);

  /** A session row and the hash of its token. */
  record Keyed(TokenHash tokenHash, SessionRecord row) {}

  /** An account's sessions, newest first; only active ones when {@code activeOnly}. */
  Future<List<SessionRecord>> listByAccount(UUID accountId, boolean activeOnly);

  /**
   * Revokes one session if it is active and, when {@code owner} is given, belongs to that account.
   *
   * @return the revocation, or {@code null} when nothing changed (unknown, someone else's, or already
   *     revoked; see {@link #findById} to tell which)
   */
  Future<Revoked> revoke(UUID sessionId, UUID owner, String reason, String by);

  /**
   * Revokes the session with this token hash if it is active.
   *
   * @return the revocation, or {@code null} when nothing changed (no such token, or already revoked)
   */
  Future<Revoked> revokeByHash(TokenHash tokenHash, String reason, String by);

  /** Revokes, in one statement, every active session of the account except {@code keep} (nullable). */
  Future<List<Revoked>> revokeAll(UUID accountId, UUID keep, String reason, String by);

  /**
   * Disables an account and revokes its active sessions in one transaction that first takes the account's
   * row lock (so a concurrent create either commits before it, and is revoked here, or inserts nothing),
   * with an {@code account.disabled} audit event.
   *
   * @return the sessions revoked; a failed future with {@link io.latchkey.account.AccountNotFoundException}
   */
  Future<List<Revoked>> disableAccount(UUID accountId, String reason, String by);

  /**
   * Erases an account in one transaction under its row lock: an {@code account.deleted} audit event (the
   * account id only), then its sessions (the active ones logged as revoked with reason
   * {@code account-deleted}), its identities and its row.
   *
   * @return the sessions that were active; a failed future with
   *     {@link io.latchkey.account.AccountNotFoundException}
   */
  Future<List<Revoked>> deleteAccount(UUID accountId, String by);

  /**
   * Deletes at most {@code limit} revocation-log entries older than {@code retention}, moving the invalidation
   * stream's horizon past them in the same transaction; returns how many.
   */
  Future<Integer> pruneRevocationLog(Duration retention, int limit);

  /**
   * Writes coalesced {@code last_seen_at} values (session id to epoch ms) in one statement; a value
   * never moves {@code last_seen_at} backwards.
   *
   * @return rows updated
   */
  Future<Integer> touchLastSeen(Map<UUID, Long> seen);

  /** The database's clock (epoch ms): the revocation watermark is kept in its terms, not this JVM's. */
  Future<Long> databaseNow();

  /**
   * Revocations (of sessions still stored or since deleted) recorded after {@code afterMs} (epoch ms), oldest first, at most {@code limit}, with the
   * database's clock at the time of the read.
   */
  Future<RevocationPage> revokedAfter(long afterMs, int limit);

  /** A page of {@link #revokedAfter}: the revocations, and the database time when they were read. */
  record RevocationPage(List<Revoked> revoked, long databaseNowMs) {}

  /**
   * Revokes, in one statement, at most {@code limit} active sessions past a lifetime (reason {@code expired},
   * by {@code system}): created more than {@code maxLifetimeMs} ago, or with {@code last_seen_at} (else
   * {@code created_at}) more than {@code idleMs} ago; 0 leaves a bound out, at least one must be set.
   * Idempotent, and safe to run on several nodes at once (rows held elsewhere are skipped).
   */
  Future<List<Revoked>> expire(long maxLifetimeMs, long idleMs, int limit);

  /**
   * Revokes one session as {@link #expire} would, if it is due.
   *
   * @return {@code null} if there is no such session; otherwise its status before this call and, when this
   *     call revoked it, the revocation
   */
  Future<ExpiryCheck> expireIfDue(UUID sessionId, long maxLifetimeMs, long idleMs);

  /** What {@link #expireIfDue} found: the status it read, and the revocation it made, or {@code null}. */
  record ExpiryCheck(String status, Revoked expired) {}

  /**
   * Streams active sessions, most recently used first, at most {@code limit} of them, through a cursor
   * fetching {@code fetchSize} rows at a time, handing each to {@code sink}.
   *
   * @return how many sessions were streamed
   */
  Future<Long> streamActive(long limit, int fetchSize, BiConsumer<TokenHash, CachedSession> sink);
}
