package io.latchkey.session.impl;

import io.latchkey.account.Account;
import io.latchkey.account.AccountNotFoundException;
import io.latchkey.account.AccountPage;
import io.latchkey.account.AccountStore;
import io.latchkey.account.AuditPage;
import io.latchkey.account.Linked;
import io.latchkey.account.Provisioned;
import io.latchkey.session.SessionCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts and their identities, on the session verticle's pool, with the account cache that
 * {@code GET /user/me} reads: a change of an account (identities, status) is published cluster-wide
 * ({@link #changed}) and every node drops its cached copy.
 */
final class AccountRequests {

  private static final Logger LOG = LoggerFactory.getLogger(AccountRequests.class);

  private final Vertx vertx;
  private final AccountStore accounts;
  private final SessionCache cache;

  AccountRequests(Vertx vertx, AccountStore accounts, SessionCache cache) {
    this.vertx = vertx;
    this.accounts = accounts;
    this.cache = cache;
  }

  Future<Provisioned> findOrCreate(Requests.FindOrCreateAccount request) {
    return accounts.findOrCreate(request.identity());
  }

  Future<Linked> link(Requests.LinkIdentity request) {
    UUID accountId = request.accountId();
    return accounts.link(accountId, request.identity(), request.actor().wireName()).andThen(linked -> {
      if (linked.succeeded() && linked.result().newlyLinked()) {
        changed(accountId);
      }
    });
  }

  Future<Void> unlink(Requests.UnlinkIdentity request) {
    UUID accountId = request.accountId();
    return accounts.unlink(accountId, request.identity(), request.actor().wireName())
        .onSuccess(unlinked -> changed(accountId));
  }

  Future<Void> enable(Requests.EnableAccount request) {
    UUID accountId = request.accountId();
    return accounts.enable(accountId, request.actor().wireName()).onSuccess(enabled -> changed(accountId));
  }

  Future<AccountPage> list(Requests.ListAccounts request) {
    return accounts.list(request.after(), request.limit());
  }

  Future<AuditPage> audit(Requests.ListAudit request) {
    return accounts.audit(request.accountId(), request.after(), request.limit());
  }

  /** The account changed in PostgreSQL: this node drops its cached copy at once, every other node when told. */
  void changed(UUID accountId) {
    cache.forgetAccount(accountId);
    vertx.eventBus().publish(SessionAddresses.ACCOUNT_CHANGED, changedMessage(accountId));
  }

  /** By id from the account cache when it can; by identity always from the database (an admin lookup). */
  Future<Account> get(Requests.GetAccount request) {
    Future<Account> found;
    if (request.identity() != null) {
      found = accounts.findByIdentity(request.identity());
    } else {
      Account cached = cache.account(request.accountId());
      found = cached != null ? Future.succeededFuture(cached) : accounts.findById(request.accountId()).andThen(read -> {
        if (read.succeeded() && read.result() != null) {
          cache.putAccount(read.result());
        }
      });
    }
    return found.map(account -> {
      if (account == null) {
        throw new AccountNotFoundException();
      }
      return account;
    });
  }

  /** A change published by any node (this one included). */
  void onChanged(Message<JsonObject> message) {
    try {
      cache.forgetAccount(UUID.fromString(message.body().getString("account_id")));
    } catch (RuntimeException e) {
      LOG.warn("Ignoring a malformed account-changed message: {}", e.getMessage());
    }
  }

  /** The JSON of {@link SessionAddresses#ACCOUNT_CHANGED}, written here only. */
  static JsonObject changedMessage(UUID accountId) {
    return new JsonObject().put("account_id", accountId.toString());
  }
}
