package io.latchkey.session.impl;

import io.latchkey.session.SessionStore;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the revocation log (V4) to {@code REVOCATION_LOG_RETENTION_SECONDS}: every minute each node deletes
 * entries older than that, a bounded batch at a time through the log's time index (nodes pruning at once
 * delete the same rows; that costs a little and breaks nothing). The safety net reads only the last seconds
 * of the log; the retention is what a reader resuming from an old position can still find: each prune moves
 * the invalidation stream's horizon past what it deleted, and a stream cursor below it gets a reset.
 */
final class LogRetention {

  private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);
  static final long EVERY_MS = 60_000;
  private static final int BATCH = 10_000;

  private final SessionStore store;
  private final Duration retention;
  private boolean running;

  LogRetention(Vertx vertx, SessionStore store, Duration retention) {
    this.store = store;
    this.retention = retention;
    vertx.setPeriodic(EVERY_MS, id -> prune());
  }

  void prune() {
    if (running) {
      return;
    }
    running = true;
    pruneBatch(0);
  }

  private void pruneBatch(long soFar) {
    store.pruneRevocationLog(retention, BATCH).onComplete(deleted -> {
      if (deleted == BATCH) {
        pruneBatch(soFar + deleted);
        return;
      }
      running = false;
      if (soFar + deleted > 0) {
        LOG.debug("Pruned {} revocation-log entries older than {} s", soFar + deleted, retention.toSeconds());
      }
    }, failure -> {
      running = false;
      LOG.warn("Pruning the revocation log failed ({}); retrying in {} s", Failures.describe(failure), EVERY_MS / 1000);
    });
  }
}
