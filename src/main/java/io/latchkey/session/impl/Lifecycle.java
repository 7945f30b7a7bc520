package io.latchkey.session.impl;

import io.latchkey.session.SessionStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;

/**
 * Disabling and erasing accounts: each one transaction in PostgreSQL (the account's row lock first, so
 * creations of the account queue behind it), then the revoked sessions go the way of every revocation
 * ({@link Revocations#announce}: this node's cache, then the broadcast) and every node drops its cached copy
 * of the account ({@link AccountRequests#changed}).
 */
final class Lifecycle {

  /** The reason a disable records when the operator gives none. */
  static final String DISABLED = "account-disabled";

  private final SessionStore store;
  private final Revocations revocations;
  private final AccountRequests accounts;

  Lifecycle(SessionStore store, Revocations revocations, AccountRequests accounts) {
    this.store = store;
    this.revocations = revocations;
    this.accounts = accounts;
  }

  Future<List<UUID>> disable(Requests.DisableAccount request) {
    UUID accountId = request.accountId();
    String reason = request.reason() == null ? DISABLED : request.reason();
    return store.disableAccount(accountId, reason, request.actor().wireName()).map(revoked -> {
      accounts.changed(accountId);
      return revocations.announce(accountId, revoked);
    });
  }

  Future<Void> delete(Requests.DeleteAccount request) {
    UUID accountId = request.accountId();
    return store.deleteAccount(accountId, request.actor().wireName()).map(revoked -> {
      accounts.changed(accountId);
      revocations.announce(accountId, revoked);
      return null;
    });
  }
}
