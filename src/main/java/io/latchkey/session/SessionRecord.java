package io.latchkey.session;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Base64;
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

  /**
   * The message form: times as epoch milliseconds ({@code *_ms}, null when unset), the key as standard
   * base64 (null when none).
   */
  public JsonObject toJson() {
    return new JsonObject()
        .put("session_id", sessionId.toString())
        .put("account_id", accountId.toString())
        .put("client_public_key", clientPublicKey == null ? null : Base64.getEncoder().encodeToString(clientPublicKey))
        .put("status", status)
        .put("device", device)
        .put("created_at_ms", createdAt.toEpochMilli())
        .put("last_seen_at_ms", lastSeenAt == null ? null : lastSeenAt.toEpochMilli())
        .put("revoked_at_ms", revokedAt == null ? null : revokedAt.toEpochMilli());
  }
}
