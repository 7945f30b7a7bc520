package io.latchkey.session.impl;

import io.latchkey.account.AccountStore;
import io.latchkey.db.Uuid7;
import io.latchkey.session.CachedSession;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionRecord;
import io.latchkey.session.SessionStore;
import io.latchkey.session.TokenHash;
import io.latchkey.telemetry.Metrics;
import io.vertx.core.Future;
import java.util.UUID;

/** New sessions: written to PostgreSQL first, then to the cache (write-through). */
final class Creations {

  private final SessionStore sessions;
  private final AccountStore accounts;
  private final SessionCache cache;
  private final Metrics metrics;

  Creations(SessionStore sessions, AccountStore accounts, SessionCache cache, Metrics metrics) {
    this.sessions = sessions;
    this.accounts = accounts;
    this.cache = cache;
    this.metrics = metrics;
  }

  /**
   * For a known identity one statement finds the account and inserts; for an unknown one the account
   * comes first (created, or found if a concurrent call just created it), then the session.
   */
  Future<Requests.Created> create(Requests.Create request) {
    UUID sessionId = Uuid7.next();
    TokenHash hash = request.tokenHash();
    if (request.identity() == null) {
      return sessions.insert(sessionId, request.accountId(), hash, request.clientPublicKey(), request.device())
          .map(row -> created(hash, row, false));
    }
    return sessions.insertForIdentity(sessionId, request.identity(), hash, request.clientPublicKey(), request.device())
        .compose(row -> row != null
            ? Future.succeededFuture(created(hash, row, false))
            : accounts.findOrCreate(request.identity()).compose(owner -> sessions.insert(sessionId, owner.accountId(),
                hash, request.clientPublicKey(), request.device()).map(inserted -> created(hash, inserted,
                owner.created()))));
  }

  private Requests.Created created(TokenHash hash, SessionRecord row, boolean accountCreated) {
    cache.putCreated(hash, new CachedSession(row.sessionId(), row.accountId(), row.clientPublicKey(),
        row.createdAt().toEpochMilli(), 0L));
    metrics.sessionsCreated.increment();
    return new Requests.Created(row, accountCreated);
  }
}
