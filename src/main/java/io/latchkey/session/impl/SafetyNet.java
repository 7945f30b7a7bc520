package io.latchkey.session.impl;

import io.latchkey.session.CachedSession;
import io.latchkey.session.Revoked;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionStore;
import io.latchkey.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a lost broadcast is caught up: every {@code REVOCATION_POLL_MS}, and at once when cluster
 * membership changes, this node applies every revocation PostgreSQL recorded after its watermark (minus
 * {@link #COMMIT_SLACK_MS}, for revocations whose transaction committed after a later one's clock
 * reading), then moves the watermark to the database time of the read. Never two runs at a time. So a
 * node that missed a broadcast (partitioned, restarted, slow) rejects the session within the poll interval.
 *
 * <p>While the boot warm-up runs, its cursor's snapshot may predate a revocation the poll finds, and its row
 * would then be cached as active after the poll. So a poll during warm-up writes a tombstone for every
 * revocation it finds, cached or not (warm-up only fills what is absent, so it loses to the tombstone), and
 * leaves the watermark where it was: the first poll after warm-up reads those revocations again and repairs
 * a row whose tombstone the size bound evicted before warm-up reached it.
 *
 * <p>The poll is also how the node knows its cache can be trusted: once no poll has reached PostgreSQL for
 * {@code SESSION_CACHE_MAX_STALENESS_MS}, the cache is no longer {@linkplain SessionCache#current() current}
 * and cached sessions are answered 503 until one does. Only PostgreSQL counts, not the cluster: a broadcast
 * heard proves the cluster works, not that no revocation was missed (a lost broadcast, a node dying before it
 * publishes, a writer outside the cluster).
 */
final class SafetyNet {

  private static final Logger LOG = LoggerFactory.getLogger(SafetyNet.class);
  /** How far back each catch-up looks before its watermark: a generous bound on commit delay. */
  static final long COMMIT_SLACK_MS = 10_000;
  private static final int PAGE = 5_000;

  private final Vertx vertx;
  private final SessionStore store;
  private final SessionCache cache;
  private final Lookups lookups;
  private final Metrics metrics;
  private final long maxStalenessMs;
  /** Revocations recorded up to here (database clock, epoch ms) are applied; -1 until {@link #startWatermark}. */
  private long watermarkMs = -1;
  private boolean warm;
  private boolean running;
  private boolean again;
  private boolean stopped;
  /** Fires when the cache stops being current (see {@link #heardFromDatabase}); -1 when none is set. */
  private long staleTimer = -1;

  SafetyNet(Vertx vertx, SessionStore store, SessionCache cache, Lookups lookups, Metrics metrics, Duration poll,
      Duration maxStaleness) {
    this.vertx = vertx;
    this.store = store;
    this.cache = cache;
    this.lookups = lookups;
    this.metrics = metrics;
    this.maxStalenessMs = maxStaleness.toMillis();
    vertx.setPeriodic(poll.toMillis(), id -> catchUp());
    heardFromDatabase(System.nanoTime());
  }

  /**
   * Reads the database clock as the first watermark (once), before the warm-up reads its snapshot: any
   * revocation that snapshot may not reflect is newer, so a poll picks it up.
   */
  Future<Void> startWatermark() {
    if (watermarkMs >= 0) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    return store.databaseNow().map(now -> {
      watermarkMs = now;
      heardFromDatabase(started);
      return null;
    });
  }

  /** The warm-up is done: from now on a poll only corrects what is cached, and moves the watermark. */
  void warmed() {
    warm = true;
  }

  /** The verticle is stopping (its pool closes): no more polls, and one cut short by that is no failure. */
  void stop() {
    stopped = true;
  }

  void catchUp() {
    if (watermarkMs < 0 || stopped) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    long started = System.nanoTime();
    catchUpFrom(watermarkMs - COMMIT_SLACK_MS, 0, warm).onComplete(applied -> {
      running = false;
      metrics.revocationPolls.increment();
      heardFromDatabase(started);
      if (applied > 0) {
        LOG.info("Safety net applied {} revocation(s) this node had not seen", applied);
      }
      if (again) {
        again = false;
        catchUp();
      }
    }, failure -> {
      running = false;
      if (stopped) {
        LOG.debug("Revocation catch-up ended by the node stopping ({})", Failures.describe(failure));
        return;
      }
      LOG.warn("Revocation catch-up failed ({}); retrying at the next poll", Failures.describe(failure));
    });
  }

  /**
   * @param advance whether to move the watermark: only when the poll started after warm-up was done
   */
  private Future<Integer> catchUpFrom(long afterMs, int appliedSoFar, boolean advance) {
    return store.revokedAfter(afterMs, PAGE).compose(page -> {
      int applied = appliedSoFar;
      for (Revoked r : page.revoked()) {
        boolean changed = warm
            ? cache.revokeIfCached(r.tokenHash(), r.revokedAtMs())
            : cache.tombstone(r.tokenHash(), new CachedSession(r.sessionId(), r.accountId(), null, 0L, 0L),
                r.revokedAtMs());
        if (changed) {
          applied++;
        }
        lookups.noteRevoked(r);
      }
      long last = page.revoked().isEmpty() ? afterMs : page.revoked().get(page.revoked().size() - 1).revokedAtMs();
      if (page.revoked().size() == PAGE && last > afterMs) {
        return catchUpFrom(last, applied, advance);
      }
      if (advance) {
        watermarkMs = Math.max(watermarkMs, page.databaseNowMs());
      }
      return Future.succeededFuture(applied);
    });
  }

  /**
   * The node knows every revocation PostgreSQL had recorded when a read that started at {@code atNanos} (a
   * poll, or the watermark read) was answered: the cache stays current until
   * {@code SESSION_CACHE_MAX_STALENESS_MS} after that, unless another such read succeeds.
   */
  private void heardFromDatabase(long atNanos) {
    if (maxStalenessMs == 0) {
      return;
    }
    if (staleTimer >= 0) {
      vertx.cancelTimer(staleTimer);
      staleTimer = -1;
    }
    long leftMs = maxStalenessMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - atNanos);
    if (leftMs <= 0) {
      stale();
      return;
    }
    if (!cache.current()) {
      cache.current(true);
      LOG.info("PostgreSQL's revocations read again: cached sessions are answered again");
    }
    staleTimer = vertx.setTimer(leftMs, id -> {
      staleTimer = -1;
      stale();
    });
  }

  private void stale() {
    if (cache.current()) {
      cache.current(false);
      LOG.warn("No revocation poll has reached PostgreSQL for {} ms (SESSION_CACHE_MAX_STALENESS_MS): cached "
          + "sessions are answered 503 until one does", maxStalenessMs);
    }
  }
}
