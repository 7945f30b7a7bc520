package io.latchkey.session;

import java.util.UUID;

/**
 * What the cache knows of one session: enough to answer "who is this request?" without the database.
 * A revoked entry is kept as a <b>tombstone</b> ({@code revokedAtMs > 0}) so that a lookup racing a
 * revocation can never bring the session back as active.
 *
 * <p>The one mutable field is the last-seen mark; HTTP verticles may race on it, and the worst outcome of
 * a race is one extra last-seen write.
 */
public final class CachedSession {

  private final UUID sessionId;
  private final UUID accountId;
  private final byte[] clientPublicKey;
  private final long createdAtMs;
  private final long revokedAtMs;
  private volatile long lastSeenMarkedMs;

  /**
   * @param clientPublicKey raw 32-byte Ed25519 key of a device-bound session, or {@code null}
   * @param revokedAtMs epoch milliseconds of the revocation, or 0 while active
   */
  public CachedSession(UUID sessionId, UUID accountId, byte[] clientPublicKey, long createdAtMs, long revokedAtMs) {
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
