package io.latchkey.account;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An account with all its identities, oldest first. */
public record Account(UUID accountId, String status, Instant createdAt, List<Identity> identities) {}
