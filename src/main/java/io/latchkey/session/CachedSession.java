package io.latchkey.session;

import java.util.UUID;

/**
 * What the cache knows of one session: enough to answer "who is this request?" without the database.
 * A revoked entry is kept as a tombstone ({@code revokedAtMs > 0}) so that a lookup racing a revocation
 * can never bring the session back as active.
 *
 * @param clientPublicKey raw 32-byte Ed25519 key of a device-bound session, or {@code null}
 * @param revokedAtMs epoch milliseconds of the revocation, or 0 while active
 */
public record CachedSession(UUID sessionId, UUID accountId, byte[] clientPublicKey, long createdAtMs,
    long revokedAtMs) {

  public boolean active() {
    return revokedAtMs == 0;
  }
}
