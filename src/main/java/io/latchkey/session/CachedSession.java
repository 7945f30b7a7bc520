package io.latchkey.session;

import io.vertx.core.json.JsonObject;
import java.util.Base64;
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

  /** The reply of {@link SessionAddresses#LOOKUP} for this (active) session. */
  public JsonObject toLookupReply() {
    JsonObject reply = new JsonObject()
        .put("session_id", sessionId.toString())
        .put("account_id", accountId.toString())
        .put("created_at_ms", createdAtMs);
    if (clientPublicKey != null) {
      reply.put("client_public_key", Base64.getEncoder().encodeToString(clientPublicKey));
    }
    return reply;
  }

  /** The session a {@link SessionAddresses#LOOKUP} reply describes (active by construction). */
  public static CachedSession fromLookupReply(JsonObject reply) {
    String key = reply.getString("client_public_key");
    return new CachedSession(UUID.fromString(reply.getString("session_id")),
        UUID.fromString(reply.getString("account_id")), key == null ? null : Base64.getDecoder().decode(key),
        reply.getLong("created_at_ms"), 0L);
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
