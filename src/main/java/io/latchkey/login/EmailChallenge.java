package io.latchkey.login;

import java.time.Instant;
import java.util.UUID;

/** A started email login: the id the code is verified against, and when the code stops working. */
public record EmailChallenge(UUID challengeId, Instant expiresAt) {}
