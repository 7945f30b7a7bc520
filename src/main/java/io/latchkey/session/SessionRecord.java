package io.latchkey.session;

import java.time.Instant;
import java.util.UUID;

/**
 * A session row as the store reads it (the seed's gateway {@code Record} plus what listings show).
 *
 * @param clientPublicKey raw 32-byte Ed25519 key, or {@code null}
 * @param lastSeenAt {@code null} until the first coalesced last-seen write
 * @param revokedAt {@code null} while active
 */
public record SessionRecord(UUID sessionId, UUID accountId, byte[] clientPublicKey, String status, String device,
    Instant createdAt, Instant lastSeenAt, Instant revokedAt) {

  public static final String ACTIVE = "active";
  public static final String REVOKED = "revoked";

  public boolean active() {
    return ACTIVE.equals(status);
  }
}
