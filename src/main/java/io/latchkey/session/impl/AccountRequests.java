package io.latchkey.session.impl;

import io.latchkey.account.Account;
import io.latchkey.account.AccountNotFoundException;
import io.latchkey.account.AccountStore;
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
 * {@code GET /user/me} reads: a change of identities is published cluster-wide ({@link #changed}) and
 * every node drops its cached copy.
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

  Future<Void> link(Requests.LinkIdentity request) {
    UUID accountId = request.accountId();
    return accounts.link(accountId, request.identity()).andThen(linked -> {
      if (linked.succeeded()) {
        cache.forgetAccount(accountId);
        vertx.eventBus().publish(SessionAddresses.ACCOUNT_CHANGED, changed(accountId));
      }
    });
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
  static JsonObject changed(UUID accountId) {
    return new JsonObject().put("account_id", accountId.toString());
  }
}
