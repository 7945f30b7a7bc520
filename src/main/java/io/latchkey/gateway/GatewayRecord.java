package io.latchkey.gateway;

import java.util.Objects;

/**
 * What a gateway needs to know about a session before it checks a request's signature: the seed's
 * {@code Record}, as {@code GET /api/v1/internal/sessions/{id}} answers it.
 *
 * @param sessionId the session's id (a lower-case UUID; the {@code keyid} a device signs with)
 * @param userId the account the session belongs to ({@code account_id})
 * @param clientPublicKey standard base64 of the raw 32-byte Ed25519 key the session is bound to, or {@code null}
 *     for a session that is not device-bound
 * @param status active or revoked; a revoked session never becomes active again
 * @param revokedAtMs when it was revoked (epoch milliseconds), {@code null} while active
 * @param expiresAtMs when a configured lifetime ends it (epoch milliseconds), {@code null} when none applies
 */
public record GatewayRecord(String sessionId, String userId, String clientPublicKey, Status status, Long revokedAtMs,
    Long expiresAtMs) {

  /** The lifecycle state of a session, as the seed's {@code Status}. */
  public enum Status {
    /** The session may pass on to the gateway's signature check. */
    ACTIVE,
    /** The session has been revoked: reject the request before anything else runs. */
    REVOKED
  }

  public GatewayRecord {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(status, "status");
  }

  public boolean active() {
    return status == Status.ACTIVE;
  }

  /** This record, revoked at {@code atMs} (itself if it is revoked already: the first revocation counts). */
  public GatewayRecord revoked(long atMs) {
    return status == Status.REVOKED ? this
        : new GatewayRecord(sessionId, userId, clientPublicKey, Status.REVOKED, atMs, expiresAtMs);
  }
}
