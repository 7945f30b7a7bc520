package io.latchkey.account.impl;

import io.latchkey.account.Account;
import io.latchkey.account.AccountNotFoundException;
import io.latchkey.account.AccountStore;
import io.latchkey.account.Identity;
import io.latchkey.account.IdentityKind;
import io.latchkey.account.IdentityTakenException;
import io.latchkey.account.Provisioned;
import io.latchkey.db.PgErrors;
import io.latchkey.db.Uuid7;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@link AccountStore} on vertx-pg-client with prepared statements. */
public final class PgAccountStore implements AccountStore {

  private final Pool pool;

  public PgAccountStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Provisioned> findOrCreate(Identity identity) {
    return owner(identity).compose(existing -> existing != null
        ? Future.succeededFuture(new Provisioned(existing, false))
        : create(identity));
  }

  /**
   * Inserts account and identity in one transaction. If a concurrent call won the identity, the
   * transaction is rolled back (no orphan account) and the winner's account is returned.
   */
  private Future<Provisioned> create(Identity identity) {
    UUID accountId = Uuid7.next();
    return pool.withTransaction(conn -> conn.preparedQuery(AccountQueries.INSERT_ACCOUNT)
            .execute(Tuple.of(accountId))
            .compose(inserted -> conn.preparedQuery(AccountQueries.INSERT_IDENTITY)
                .execute(Tuple.of(Uuid7.next(), accountId, identity.kind().wireName(), identity.subject())))
            .compose(rows -> rows.size() == 1
                ? Future.succeededFuture(new Provisioned(accountId, true))
                : Future.failedFuture(new LostRace())))
        .recover(failure -> failure instanceof LostRace
            ? owner(identity).map(winner -> new Provisioned(winner, false))
            : Future.failedFuture(failure));
  }

  @Override
  public Future<Void> link(UUID accountId, Identity identity) {
    return pool.preparedQuery(AccountQueries.INSERT_IDENTITY)
        .execute(Tuple.of(Uuid7.next(), accountId, identity.kind().wireName(), identity.subject()))
        .recover(PgErrors.foreignKeyViolationAs(AccountNotFoundException::new))
        .compose(rows -> rows.size() == 1 ? Future.<Void>succeededFuture() : owner(identity).compose(owner ->
            accountId.equals(owner) ? Future.<Void>succeededFuture() : Future.failedFuture(new IdentityTakenException())));
  }

  @Override
  public Future<Account> findById(UUID accountId) {
    return pool.preparedQuery(AccountQueries.ACCOUNT_WITH_IDENTITIES).execute(Tuple.of(accountId))
        .map(PgAccountStore::toAccount);
  }

  @Override
  public Future<Account> findByIdentity(Identity identity) {
    return pool.preparedQuery(AccountQueries.ACCOUNT_WITH_IDENTITIES_BY_IDENTITY)
        .execute(Tuple.of(identity.kind().wireName(), identity.subject()))
        .map(PgAccountStore::toAccount);
  }

  private Future<UUID> owner(Identity identity) {
    return pool.preparedQuery(AccountQueries.OWNER_OF_IDENTITY)
        .execute(Tuple.of(identity.kind().wireName(), identity.subject()))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("account_id"));
  }

  private static Account toAccount(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    List<Identity> identities = new ArrayList<>();
    Row first = null;
    for (Row row : rows) {
      if (first == null) {
        first = row;
      }
      String kind = row.getString("kind");
      if (kind != null) {
        identities.add(new Identity(IdentityKind.fromWire(kind).orElseThrow(), row.getString("subject")));
      }
    }
    return new Account(first.getUUID("account_id"), first.getString("status"),
        first.getOffsetDateTime("created_at").toInstant(), List.copyOf(identities));
  }

  /** The identity was inserted by a concurrent call first; carries no stack trace, it is control flow. */
  private static final class LostRace extends RuntimeException {
    LostRace() {
      super(null, null, false, false);
    }
  }
}
