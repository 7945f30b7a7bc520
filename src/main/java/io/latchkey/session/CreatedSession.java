package io.latchkey.session;

import java.util.UUID;

/**
 * A session just created. The token is in the caller's hands only, to be returned to its owner exactly
 * once: it never travelled on the event bus (only its hash did) and is stored nowhere.
 */
public record CreatedSession(String token, UUID sessionId, UUID accountId, boolean accountCreated, long createdAtMs) {}
