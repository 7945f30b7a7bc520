package io.latchkey.session.impl;

import io.latchkey.session.Revoked;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a lost broadcast is caught up: every {@code REVOCATION_POLL_MS}, and at once when cluster
 * membership changes, this node applies every revocation PostgreSQL recorded after its watermark (minus
 * {@link #COMMIT_SLACK_MS}, for revocations whose transaction committed after a later one's clock
 * reading), then moves the watermark to the database time of the read. Never two runs at a time. So a
 * node that missed a broadcast (partitioned, restarted, slow) rejects the session within the poll interval.
 */
final class SafetyNet {

  private static final Logger LOG = LoggerFactory.getLogger(SafetyNet.class);
  /** How far back each catch-up looks before its watermark: a generous bound on commit delay. */
  static final long COMMIT_SLACK_MS = 10_000;
  private static final int PAGE = 5_000;

  private final SessionStore store;
  private final SessionCache cache;
  private final Lookups lookups;
  /** Revocations recorded up to here (database clock, epoch ms) are applied; -1 until {@link #startWatermark}. */
  private long watermarkMs = -1;
  private boolean running;
  private boolean again;

  SafetyNet(Vertx vertx, SessionStore store, SessionCache cache, Lookups lookups, Duration poll) {
    this.store = store;
    this.cache = cache;
    this.lookups = lookups;
    vertx.setPeriodic(poll.toMillis(), id -> catchUp());
  }

  /**
   * Reads the database clock as the first watermark (once), before the warm-up reads its snapshot: any
   * revocation that snapshot may not reflect is newer, so a poll picks it up.
   */
  Future<Void> startWatermark() {
    if (watermarkMs >= 0) {
      return Future.succeededFuture();
    }
    return store.databaseNow().map(now -> {
      watermarkMs = now;
      return null;
    });
  }

  void catchUp() {
    if (watermarkMs < 0) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    catchUpFrom(watermarkMs - COMMIT_SLACK_MS, 0).onComplete(applied -> {
      running = false;
      if (applied > 0) {
        LOG.info("Safety net applied {} revocation(s) this node had not seen", applied);
      }
      if (again) {
        again = false;
        catchUp();
      }
    }, failure -> {
      running = false;
      LOG.warn("Revocation catch-up failed ({}); retrying at the next poll", Failures.describe(failure));
    });
  }

  private Future<Integer> catchUpFrom(long afterMs, int appliedSoFar) {
    return store.revokedAfter(afterMs, PAGE).compose(page -> {
      int applied = appliedSoFar;
      for (Revoked r : page.revoked()) {
        if (cache.revokeIfCached(r.tokenHash(), r.revokedAtMs())) {
          applied++;
        }
        lookups.noteRevoked(r.tokenHash(), r.revokedAtMs());
      }
      long last = page.revoked().isEmpty() ? afterMs : page.revoked().get(page.revoked().size() - 1).revokedAtMs();
      if (page.revoked().size() == PAGE && last > afterMs) {
        return catchUpFrom(last, applied);
      }
      watermarkMs = Math.max(watermarkMs, page.databaseNowMs());
      return Future.succeededFuture(applied);
    });
  }
}
