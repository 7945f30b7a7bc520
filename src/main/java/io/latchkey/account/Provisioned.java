package io.latchkey.account;

import java.util.UUID;

/** The account an identity belongs to, and whether this call created it. */
public record Provisioned(UUID accountId, boolean created) {}
