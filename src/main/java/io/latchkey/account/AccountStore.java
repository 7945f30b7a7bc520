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
   * Links another identity to an existing account. Linking an identity the account already holds is a
   * no-op that succeeds.
   *
   * @return a failed future with {@link IdentityTakenException} if another account holds it, or
   *     {@link AccountNotFoundException} if the account does not exist
   */
  Future<Void> link(UUID accountId, Identity identity);

  /** The account with its identities, or {@code null}. */
  Future<Account> findById(UUID accountId);

  /** The account owning the identity, with all its identities, or {@code null}. */
  Future<Account> findByIdentity(Identity identity);
}
