package io.latchkey.session.impl;

import io.latchkey.account.AccountStore;
import io.latchkey.db.Uuid7;
import io.latchkey.session.CachedSession;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionRecord;
import io.latchkey.session.SessionStore;
import io.latchkey.session.SessionStore.NewSession;
import io.latchkey.session.TokenHash;
import io.latchkey.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * New sessions: written to PostgreSQL first, then to the cache (write-through), each answered only after the
 * commit that made it durable.
 *
 * <p>Creates are group-committed. At most {@link #MAX_IN_FLIGHT} insert statements run at a time; a create
 * arriving while they all run waits (no more than {@code DB_POOL_MAX_WAITING} wait: beyond that a create is
 * refused at once, 503), and when one finishes every waiting create (up to {@link #MAX_BATCH}) is
 * written by one statement, one transaction, one commit ({@link SessionStore#insertAll}). A create that finds
 * a free slot goes at once, alone, by the one-row statements: at low load nothing waits and nothing changes;
 * under load the commits, and the round trips, are shared. The session verticle's one context runs all of
 * this, so the queue needs no lock.
 */
final class Creations {

  /** Statements in flight at once (fewer with a smaller pool): PostgreSQL works on one batch while the next forms. */
  static final int MAX_IN_FLIGHT = 2;
  /** Rows per statement: bounds the statement's parameters and the time a batch holds its account locks. */
  static final int MAX_BATCH = 256;

  private final SessionStore sessions;
  private final AccountStore accounts;
  private final SessionCache cache;
  private final Metrics metrics;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private final int maxInFlight;
  private final int maxWaiting;
  private int inFlight;

  /**
   * @param poolSize the pool's connections: no more statements than that run at once
   * @param maxWaiting creates that may wait for a statement (the pool's own wait bound, {@code DB_POOL_MAX_WAITING});
   *     beyond it a create is refused at once as overloaded, as a full pool refuses a query
   */
  Creations(SessionStore sessions, AccountStore accounts, SessionCache cache, Metrics metrics, int poolSize,
      int maxWaiting) {
    this.sessions = sessions;
    this.accounts = accounts;
    this.cache = cache;
    this.metrics = metrics;
    this.maxInFlight = Math.max(1, Math.min(MAX_IN_FLIGHT, poolSize));
    this.maxWaiting = maxWaiting;
  }

  Future<Requests.Created> create(Requests.Create request) {
    if (inFlight >= maxInFlight && waiting.size() >= maxWaiting) {
      return Future.failedFuture(new Failures.Overloaded());
    }
    Pending pending = new Pending(new NewSession(Uuid7.next(), request.accountId(), request.identity(),
        request.tokenHash(), request.clientPublicKey(), request.device()), Promise.promise());
    waiting.add(pending);
    dispatch();
    return pending.answer.future();
  }

  private void dispatch() {
    while (inFlight < maxInFlight && !waiting.isEmpty()) {
      List<Pending> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
      while (batch.size() < MAX_BATCH && !waiting.isEmpty()) {
        batch.add(waiting.poll());
      }
      inFlight++;
      metrics.createBatch.record(batch.size());
      Future<Void> written = batch.size() == 1 ? alone(batch.get(0)) : together(batch);
      written.onComplete(done -> {
        inFlight--;
        dispatch();
      });
    }
  }

  /** One create: for a known identity one statement finds the account and inserts. */
  private Future<Void> alone(Pending pending) {
    NewSession s = pending.session;
    Future<Requests.Created> created = s.identity() == null
        ? forAccount(s)
        : sessions.insertForIdentity(s.sessionId(), s.identity(), s.tokenHash(), s.clientPublicKey(), s.device())
            .compose(row -> row != null ? Future.succeededFuture(created(s.tokenHash(), row, false)) : provisioned(s));
    Future<Void> statement = created.<Void>mapEmpty().recover(e -> Future.succeededFuture());
    created.onComplete(pending.answer);
    return statement;
  }

  /**
   * Many creates in one statement. The few it could not insert (an identity no account has yet, an account
   * missing or disabled) go on alone, outside the slot: a new identity's account is created, the others get
   * their precise failure. A failed statement inserted nothing, and fails each of its creates.
   */
  private Future<Void> together(List<Pending> batch) {
    List<NewSession> rows = new ArrayList<>(batch.size());
    batch.forEach(pending -> rows.add(pending.session));
    Future<Map<UUID, SessionRecord>> inserted = sessions.insertAll(rows);
    inserted.onComplete(result -> {
      for (Pending pending : batch) {
        if (result.failed()) {
          pending.answer.fail(result.cause());
          continue;
        }
        NewSession s = pending.session;
        SessionRecord row = result.result().get(s.sessionId());
        if (row != null) {
          pending.answer.complete(created(s.tokenHash(), row, false));
        } else {
          (s.identity() == null ? forAccount(s) : provisioned(s)).onComplete(pending.answer);
        }
      }
    });
    return inserted.mapEmpty();
  }

  /** For an account id: inserted, or failed with why not (missing, disabled). */
  private Future<Requests.Created> forAccount(NewSession s) {
    return sessions.insert(s.sessionId(), s.accountId(), s.tokenHash(), s.clientPublicKey(), s.device())
        .map(row -> created(s.tokenHash(), row, false));
  }

  /** For an identity no active account has: its account is found or created first (or found disabled). */
  private Future<Requests.Created> provisioned(NewSession s) {
    return accounts.findOrCreate(s.identity()).compose(owner -> sessions.insert(s.sessionId(), owner.accountId(),
        s.tokenHash(), s.clientPublicKey(), s.device()).map(row -> created(s.tokenHash(), row, owner.created())));
  }

  private Requests.Created created(TokenHash hash, SessionRecord row, boolean accountCreated) {
    cache.putCreated(hash, new CachedSession(row.sessionId(), row.accountId(), row.clientPublicKey(),
        row.createdAt().toEpochMilli(), 0L));
    metrics.sessionsCreated.increment();
    return new Requests.Created(row, accountCreated);
  }

  private record Pending(NewSession session, Promise<Requests.Created> answer) {}
}
