package io.latchkey.session.impl;

import io.latchkey.session.CachedSession;
import io.latchkey.session.Lifetimes;
import io.latchkey.session.SessionRecord;
import io.latchkey.session.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions past a lifetime (SPEC §5b) become {@code revoked} with reason {@code expired}, by {@code system},
 * in PostgreSQL, and every node turns them into tombstones through the same broadcast as any revocation
 * ({@link Revocations#expired}). Two ways:
 * <ul>
 *   <li>the <b>sweep</b>, every {@code REVOCATION_POLL_MS} on every node while a lifetime applies: pages of
 *       {@link #PAGE} due sessions, one statement each, until a page is short. Nodes sweeping at once skip
 *       each other's rows, and a session is revoked once;</li>
 *   <li>the <b>idle check</b> ({@link #stillActive}): a node that has not answered a session for the idle
 *       timeout asks PostgreSQL before rejecting it, since another node may have used it; a session
 *       PostgreSQL also finds due is revoked right then.</li>
 * </ul>
 * The hot path does not wait for either: it rejects a session past its maximum lifetime from the cache.
 */
final class Expiry {

  private static final Logger LOG = LoggerFactory.getLogger(Expiry.class);
  static final int PAGE = 1_000;

  private final SessionStore store;
  private final Revocations revocations;
  private final Lifetimes lifetimes;
  private boolean sweeping;

  Expiry(Vertx vertx, SessionStore store, Revocations revocations, Lifetimes lifetimes, Duration every) {
    this.store = store;
    this.revocations = revocations;
    this.lifetimes = lifetimes;
    if (lifetimes.any()) {
      vertx.setPeriodic(every.toMillis(), id -> sweep());
    }
  }

  /** Never two at a time on a node; a failed sweep is retried at the next period. */
  void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    sweepFrom(0).onComplete(expired -> {
      sweeping = false;
      if (expired > 0) {
        LOG.info("Expired {} session(s) past their lifetime", expired);
      }
    }, failure -> {
      sweeping = false;
      LOG.warn("Session expiry sweep failed ({}); retrying at the next period", Failures.describe(failure));
    });
  }

  private Future<Integer> sweepFrom(int expiredSoFar) {
    return store.expire(lifetimes.maxLifetimeMs(), lifetimes.databaseIdleMs(), PAGE).compose(expired -> {
      revocations.expired(expired);
      int total = expiredSoFar + expired.size();
      return expired.size() == PAGE ? sweepFrom(total) : Future.succeededFuture(total);
    });
  }

  /**
   * Whether PostgreSQL holds the session active and not due: false when it is gone, revoked, or due (then
   * it is revoked now, and broadcast).
   */
  Future<Boolean> stillActive(CachedSession session) {
    return store.expireIfDue(session.sessionId(), lifetimes.maxLifetimeMs(), lifetimes.databaseIdleMs())
        .map(check -> {
          if (check == null) {
            return false;
          }
          if (check.expired() != null) {
            revocations.expired(List.of(check.expired()));
            return false;
          }
          return SessionRecord.ACTIVE.equals(check.status());
        });
  }
}
