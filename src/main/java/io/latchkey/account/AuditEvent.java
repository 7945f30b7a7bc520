package io.latchkey.account;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of the audit trail: an admin action or a revocation. It names accounts and sessions by id only,
 * never an identity's subject, so it can outlive an erased account.
 *
 * @param actor {@code user} | {@code admin} | {@code internal} | {@code system}
 * @param action {@code account.disabled}, {@code account.enabled}, {@code account.deleted},
 *     {@code identity.linked}, {@code identity.unlinked} (their reason: the identity's kind) or
 *     {@code session.revoked}
 */
public record AuditEvent(UUID eventId, Instant at, String actor, String action, UUID accountId, UUID sessionId,
    String reason) {}
