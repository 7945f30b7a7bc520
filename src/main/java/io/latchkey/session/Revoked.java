package io.latchkey.session;

import java.util.UUID;

/** A session a revocation just moved from active to revoked. */
public record Revoked(UUID sessionId, UUID accountId, TokenHash tokenHash, long revokedAtMs) {}
