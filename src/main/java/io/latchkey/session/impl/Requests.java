package io.latchkey.session.impl;

import io.latchkey.account.Identity;
import io.latchkey.session.Actor;
import io.latchkey.session.DeviceLabel;
import io.latchkey.session.SessionRecord;
import io.latchkey.session.TokenHash;
import java.util.Objects;
import java.util.UUID;

/**
 * The requests a {@link io.latchkey.session.SessionService} client sends the session verticle, one record
 * per operation, checked when built so the verticle never sees a malformed one. Each goes to its address
 * in {@link SessionAddresses} inside a {@link Local} envelope; the semantics are documented once, on
 * {@link io.latchkey.session.SessionService}.
 */
final class Requests {

  static final int ED25519_KEY_BYTES = 32;
  static final int REASON_MAX = 200;
  static final int PAGE_MAX = 1000;

  private Requests() {}

  /** With an identity the account is found or created; otherwise {@code accountId} must exist. */
  record Create(TokenHash tokenHash, Identity identity, UUID accountId, byte[] clientPublicKey, String device) {
    Create {
      Objects.requireNonNull(tokenHash, "token_hash");
      if ((identity == null) == (accountId == null)) {
        throw new IllegalArgumentException("a session is created for an identity or for an account id");
      }
      // checked again here, as on every way a key comes in (auth/signature/Ed25519.clientPublicKey): a point
      // of the prime-order subgroup, never one of the small-order points that let anyone forge a signature
      if (clientPublicKey != null && (clientPublicKey.length != ED25519_KEY_BYTES
          || !org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(clientPublicKey, 0))) {
        throw new IllegalArgumentException("client_public_key must be a valid Ed25519 public key");
      }
      String problem = device == null ? null : DeviceLabel.problem(device);
      if (problem != null) {
        throw new IllegalArgumentException("device " + problem);
      }
    }
  }

  /** The reply to {@link Create}: the stored row, and whether the account was created with it. */
  record Created(SessionRecord row, boolean accountCreated) {}

  /** {@code cacheChecked}: the caller already missed the shared cache, so this look is not counted again. */
  record Lookup(TokenHash tokenHash, boolean cacheChecked) {
    Lookup {
      Objects.requireNonNull(tokenHash, "token_hash");
    }
  }

  /**
   * A device-bound session by its id (a request signed with {@code keyid}); {@code cacheChecked} as for
   * {@link Lookup}.
   */
  record LookupDevice(UUID sessionId, boolean cacheChecked) {
    LookupDevice {
      Objects.requireNonNull(sessionId, "session_id");
    }
  }

  /** A cache hit answered outside the verticle: record a coalesced last-seen. No reply. */
  record Seen(UUID sessionId, long atMs) {
    Seen {
      Objects.requireNonNull(sessionId, "session_id");
    }
  }

  record Get(UUID sessionId) {
    Get {
      Objects.requireNonNull(sessionId, "session_id");
    }
  }

  record ListSessions(UUID accountId, boolean activeOnly) {
    ListSessions {
      Objects.requireNonNull(accountId, "account_id");
    }
  }

  record Revoke(UUID sessionId, UUID owner, Actor actor, String reason) {
    Revoke {
      Objects.requireNonNull(sessionId, "session_id");
      Objects.requireNonNull(actor, "actor");
      checkReason(reason);
    }
  }

  /** RFC 7009: the session a token opens, by the token's hash (the token itself never travels). */
  record RevokeToken(TokenHash tokenHash, Actor actor, String reason) {
    RevokeToken {
      Objects.requireNonNull(tokenHash, "token_hash");
      Objects.requireNonNull(actor, "actor");
      checkReason(reason);
    }
  }

  record RevokeAll(UUID accountId, UUID keep, Actor actor, String reason) {
    RevokeAll {
      Objects.requireNonNull(accountId, "account_id");
      Objects.requireNonNull(actor, "actor");
      checkReason(reason);
    }
  }

  /** By id (served from the account cache when it can) or by identity (always from the database). */
  record GetAccount(UUID accountId, Identity identity) {
    GetAccount {
      if ((identity == null) == (accountId == null)) {
        throw new IllegalArgumentException("an account is found by id or by identity");
      }
    }
  }

  record FindOrCreateAccount(Identity identity) {
    FindOrCreateAccount {
      Objects.requireNonNull(identity, "identity");
    }
  }

  record LinkIdentity(UUID accountId, Identity identity, Actor actor) {
    LinkIdentity {
      Objects.requireNonNull(accountId, "account_id");
      Objects.requireNonNull(identity, "identity");
      Objects.requireNonNull(actor, "actor");
    }
  }

  record UnlinkIdentity(UUID accountId, Identity identity, Actor actor) {
    UnlinkIdentity {
      Objects.requireNonNull(accountId, "account_id");
      Objects.requireNonNull(identity, "identity");
      Objects.requireNonNull(actor, "actor");
    }
  }

  record DisableAccount(UUID accountId, Actor actor, String reason) {
    DisableAccount {
      Objects.requireNonNull(accountId, "account_id");
      Objects.requireNonNull(actor, "actor");
      checkReason(reason);
    }
  }

  record EnableAccount(UUID accountId, Actor actor) {
    EnableAccount {
      Objects.requireNonNull(accountId, "account_id");
      Objects.requireNonNull(actor, "actor");
    }
  }

  record DeleteAccount(UUID accountId, Actor actor) {
    DeleteAccount {
      Objects.requireNonNull(accountId, "account_id");
      Objects.requireNonNull(actor, "actor");
    }
  }

  /** {@code after}: the last account id of the previous page, or null. */
  record ListAccounts(UUID after, int limit) {
    ListAccounts {
      checkLimit(limit);
    }
  }

  /** {@code accountId}: only that account's events, or null for all; {@code after}: a cursor, or null. */
  record ListAudit(UUID accountId, UUID after, int limit) {
    ListAudit {
      checkLimit(limit);
    }
  }

  /** The two readiness questions carry nothing. */
  enum Health { DATABASE, CACHE }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > PAGE_MAX) {
      throw new IllegalArgumentException("limit must be between 1 and " + PAGE_MAX);
    }
  }

  private static void checkReason(String reason) {
    if (reason != null && reason.length() > REASON_MAX) {
      throw new IllegalArgumentException("reason must be at most " + REASON_MAX + " characters");
    }
  }
}
