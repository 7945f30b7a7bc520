package io.latchkey.account.impl;

import io.latchkey.account.Account;
import io.latchkey.account.AccountNotFoundException;
import io.latchkey.account.AccountPage;
import io.latchkey.account.AccountStore;
import io.latchkey.account.AuditEvent;
import io.latchkey.account.AuditPage;
import io.latchkey.account.Identity;
import io.latchkey.account.IdentityKind;
import io.latchkey.account.IdentityNotLinkedException;
import io.latchkey.account.IdentityTakenException;
import io.latchkey.account.LastIdentityException;
import io.latchkey.account.Linked;
import io.latchkey.account.Provisioned;
import io.latchkey.db.PgErrors;
import io.latchkey.db.Uuid7;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@link AccountStore} on vertx-pg-client with prepared statements. */
public final class PgAccountStore implements AccountStore {

  /** The smallest UUID: the cursor of a first page. */
  private static final UUID NIL = new UUID(0, 0);

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
  public Future<Linked> link(UUID accountId, Identity identity, String actor) {
    return pool.withTransaction(conn -> conn.preparedQuery(AccountQueries.INSERT_IDENTITY)
            .execute(Tuple.of(Uuid7.next(), accountId, identity.kind().wireName(), identity.subject()))
            .compose(rows -> rows.size() == 1
                ? audit(conn, actor, "identity.linked", accountId, identity.kind().wireName()).map(true)
                : Future.succeededFuture(false)))
        .recover(PgErrors.foreignKeyViolationAs(AccountNotFoundException::new))
        .compose(linked -> linked ? current(accountId, true) : owner(identity).compose(owner -> accountId.equals(owner)
            ? current(accountId, false)
            : Future.failedFuture(new IdentityTakenException())));
  }

  private Future<Linked> current(UUID accountId, boolean newlyLinked) {
    return findById(accountId).map(account -> {
      if (account == null) {
        throw new AccountNotFoundException();
      }
      return new Linked(account, newlyLinked);
    });
  }

  @Override
  public Future<Void> unlink(UUID accountId, Identity identity, String actor) {
    return pool.withTransaction(conn -> conn.preparedQuery(AccountQueries.LOCK_ACCOUNT).execute(Tuple.of(accountId))
        .compose(locked -> {
          if (locked.size() == 0) {
            throw new AccountNotFoundException();
          }
          return conn.preparedQuery(AccountQueries.IDENTITIES_OF_ACCOUNT).execute(Tuple.of(accountId));
        })
        .compose(held -> {
          boolean holds = false;
          for (Row row : held) {
            holds |= row.getString("kind").equals(identity.kind().wireName())
                && row.getString("subject").equals(identity.subject());
          }
          if (!holds) {
            throw new IdentityNotLinkedException();
          }
          if (held.size() == 1) {
            throw new LastIdentityException();
          }
          return conn.preparedQuery(AccountQueries.DELETE_IDENTITY)
              .execute(Tuple.of(accountId, identity.kind().wireName(), identity.subject()));
        })
        .compose(deleted -> audit(conn, actor, "identity.unlinked", accountId, identity.kind().wireName())));
  }

  @Override
  public Future<Void> enable(UUID accountId, String actor) {
    return pool.withTransaction(conn -> conn.preparedQuery(AccountQueries.ENABLE).execute(Tuple.of(accountId))
        .compose(updated -> {
          if (updated.rowCount() == 0) {
            throw new AccountNotFoundException();
          }
          return audit(conn, actor, "account.enabled", accountId, null);
        }));
  }

  private static Future<Void> audit(SqlConnection conn, String actor, String action, UUID accountId, String reason) {
    return conn.preparedQuery(AccountQueries.AUDIT).execute(Tuple.of(actor, action, accountId, reason)).mapEmpty();
  }

  @Override
  public Future<AccountPage> list(UUID after, int limit) {
    return pool.preparedQuery(AccountQueries.LIST).execute(Tuple.of(after == null ? NIL : after, limit + 1))
        .map(rows -> {
          List<Account> accounts = new ArrayList<>();
          List<Row> group = new ArrayList<>();
          for (Row row : rows) {
            if (!group.isEmpty() && !group.get(0).getUUID("account_id").equals(row.getUUID("account_id"))) {
              accounts.add(toAccount(group));
              group = new ArrayList<>();
            }
            group.add(row);
          }
          if (!group.isEmpty()) {
            accounts.add(toAccount(group));
          }
          if (accounts.size() <= limit) {
            return new AccountPage(List.copyOf(accounts), null);
          }
          List<Account> page = List.copyOf(accounts.subList(0, limit));
          return new AccountPage(page, page.get(limit - 1).accountId());
        });
  }

  @Override
  public Future<AuditPage> audit(UUID accountId, UUID after, int limit) {
    UUID from = after == null ? NIL : after;
    Future<RowSet<Row>> rows = accountId == null
        ? pool.preparedQuery(AccountQueries.AUDIT_PAGE).execute(Tuple.of(from, limit + 1))
        : pool.preparedQuery(AccountQueries.AUDIT_PAGE_OF_ACCOUNT).execute(Tuple.of(accountId, from, limit + 1));
    return rows.map(found -> {
      List<AuditEvent> events = new ArrayList<>(found.size());
      for (Row row : found) {
        events.add(new AuditEvent(row.getUUID("event_id"), row.getOffsetDateTime("occurred_at").toInstant(),
            row.getString("actor"), row.getString("action"), row.getUUID("account_id"), row.getUUID("session_id"),
            row.getString("reason")));
      }
      if (events.size() <= limit) {
        return new AuditPage(List.copyOf(events), null);
      }
      List<AuditEvent> page = List.copyOf(events.subList(0, limit));
      return new AuditPage(page, page.get(limit - 1).eventId());
    });
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

  private static Account toAccount(Iterable<Row> rows) {
    if (!rows.iterator().hasNext()) {
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
