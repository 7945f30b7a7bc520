package io.latchkey.account;

import io.latchkey.account.impl.PgAccountStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/**
 * Accounts and their identities in PostgreSQL. Provisioning is race-safe through the unique constraint
 * on (kind, subject), never through a lock in Java.
 */
public interface AccountStore {

  static AccountStore create(Pool pool) {
    return new PgAccountStore(pool);
  }

  /**
   * The account that owns {@code identity}, created with it if there is none. Any number of concurrent
   * calls for one new identity create exactly one account; exactly one of them reports it created.
   */
  Future<Provisioned> findOrCreate(Identity identity);

  /**
   * Links another identity to an existing account and records it in the audit trail, in one transaction.
   * Linking an identity the account already holds succeeds without a change ({@link Linked#newlyLinked()}
   * false). Of concurrent calls claiming one identity for different accounts exactly one wins (the unique
   * constraint decides).
   *
   * @param actor who asks, as the audit trail names it ({@code admin}, {@code internal})
   * @return the account as it is after the call; a failed future with {@link IdentityTakenException} if
   *     another account holds it, or {@link AccountNotFoundException} if the account does not exist
   */
  Future<Linked> link(UUID accountId, Identity identity, String actor);

  /**
   * Removes an identity from an account, audited, in one transaction that holds the account's row lock, so
   * concurrent unlinks can never remove the last two identities together.
   *
   * @return a failed future with {@link AccountNotFoundException}, {@link IdentityNotLinkedException} (the
   *     account does not hold it) or {@link LastIdentityException}
   */
  Future<Void> unlink(UUID accountId, Identity identity, String actor);

  /** Sets an account active again, audited; its old sessions stay revoked. {@link AccountNotFoundException}. */
  Future<Void> enable(UUID accountId, String actor);

  /** Accounts with their identities, oldest first (UUIDv7 ids), after {@code after} (nullable), at most {@code limit}. */
  Future<AccountPage> list(UUID after, int limit);

  /**
   * The audit trail, oldest first, after the event {@code after} (nullable), at most {@code limit} events; only
   * one account's when {@code accountId} is given.
   */
  Future<AuditPage> audit(UUID accountId, UUID after, int limit);

  /** The account with its identities, or {@code null}. */
  Future<Account> findById(UUID accountId);

  /** The account owning the identity, with all its identities, or {@code null}. */
  Future<Account> findByIdentity(Identity identity);
}
