package io.latchkey.session;

import java.util.UUID;

/**
 * The outcome of revoking one session.
 *
 * @param revokedNow whether this call revoked it (false: it already was revoked, at {@code revokedAtMs})
 */
public record Revocation(UUID sessionId, boolean revokedNow, long revokedAtMs) {}
