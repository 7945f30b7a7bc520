package io.latchkey.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.UUID;

/**
 * What the cache knows of one session: enough to answer "who is this request?" without the database.
 * A revoked entry is kept as a <b>tombstone</b> ({@code revokedAtMs > 0}) so that a lookup racing a
 * revocation can never bring the session back as active.
 *
 * <p>The mutable fields are the last-seen mark and the last use; HTTP verticles may race on them. The worst
 * outcome of a race on the mark is one extra last-seen write; on the last use, a value a millisecond older.
 */
public final class CachedSession {

  private static final VarHandle LAST_USED;

  static {
    try {
      LAST_USED = MethodHandles.lookup().findVarHandle(CachedSession.class, "lastUsedMs", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final UUID sessionId;
  private final UUID accountId;
  private final byte[] clientPublicKey;
  private final long createdAtMs;
  private final long revokedAtMs;
  private volatile long lastSeenMarkedMs;
  /** Read and written opaquely (no fence): only the idle check reads it, and a stale read errs towards a query. */
  @SuppressWarnings("unused")
  private long lastUsedMs;

  /**
   * @param clientPublicKey raw 32-byte Ed25519 key of a device-bound session, or {@code null}
   * @param revokedAtMs epoch milliseconds of the revocation, or 0 while active
   */
  public CachedSession(UUID sessionId, UUID accountId, byte[] clientPublicKey, long createdAtMs, long revokedAtMs) {
    this(sessionId, accountId, clientPublicKey, createdAtMs, revokedAtMs, createdAtMs);
  }

  /**
   * @param lastUsedMs the last use known (epoch ms): {@code coalesce(last_seen_at, created_at)} for a row read
   *     from PostgreSQL
   */
  public CachedSession(UUID sessionId, UUID accountId, byte[] clientPublicKey, long createdAtMs, long revokedAtMs,
      long lastUsedMs) {
    this.lastUsedMs = lastUsedMs;
    this.sessionId = sessionId;
    this.accountId = accountId;
    this.clientPublicKey = clientPublicKey;
    this.createdAtMs = createdAtMs;
    this.revokedAtMs = revokedAtMs;
  }

  /** A tombstone for this session. */
  public CachedSession revoked(long atMs) {
    return new CachedSession(sessionId, accountId, clientPublicKey, createdAtMs, Math.max(atMs, 1));
  }

  public boolean active() {
    return revokedAtMs == 0;
  }

  public UUID sessionId() {
    return sessionId;
  }

  public UUID accountId() {
    return accountId;
  }

  public byte[] clientPublicKey() {
    return clientPublicKey;
  }

  public long createdAtMs() {
    return createdAtMs;
  }

  public long revokedAtMs() {
    return revokedAtMs;
  }

  /** When this node last answered the session as valid (or what PostgreSQL knew when it was cached). */
  public long lastUsedMs() {
    return (long) LAST_USED.getOpaque(this);
  }

  /**
   * Records a use at {@code nowMs}: an opaque write, and only when the time moved on, so sessions hit from
   * several event loops at once do not write the field on every request.
   */
  public void used(long nowMs) {
    if (nowMs > (long) LAST_USED.getOpaque(this)) {
      LAST_USED.setOpaque(this, nowMs);
    }
  }

  /**
   * Records a use at {@code nowMs}; true when it should be written as {@code last_seen_at}, which is at
   * most once per {@code intervalMs} for each cached session.
   */
  public boolean markSeen(long nowMs, long intervalMs) {
    if (nowMs - lastSeenMarkedMs < intervalMs) {
      return false;
    }
    lastSeenMarkedMs = nowMs;
    return true;
  }
}
