package io.latchkey.session.impl;

import io.latchkey.config.AppConfig.LastSeenConfig;
import io.latchkey.session.SessionStore;
import io.latchkey.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesced {@code last_seen_at}: marks collect in a bounded batch and are written in one statement every
 * {@code LAST_SEEN_FLUSH_MS}, never one write per request. A batch the database refuses is dropped and
 * counted: last-seen is a recency hint, and requests never wait for it.
 */
final class LastSeenWriter {

  private static final Logger LOG = LoggerFactory.getLogger(LastSeenWriter.class);

  private final SessionStore store;
  private final Metrics metrics;
  private final LastSeenBatch batch;
  private boolean flushing;

  LastSeenWriter(Vertx vertx, SessionStore store, LastSeenConfig config, Metrics metrics) {
    this.store = store;
    this.metrics = metrics;
    this.batch = new LastSeenBatch(config.maxPending());
    vertx.setPeriodic(config.flushEvery().toMillis(), id -> flush());
  }

  void mark(UUID sessionId, long atMs) {
    if (!batch.mark(sessionId, atMs)) {
      metrics.lastSeenDropped.increment();
    }
  }

  /** The last write at shutdown: a database that does not answer gets {@code bound} for it, no longer. */
  Future<?> flushFinally(Duration bound) {
    return batch.isEmpty() ? Future.succeededFuture()
        : write(batch.drain()).timeout(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void flush() {
    if (flushing || batch.isEmpty()) {
      return;
    }
    flushing = true;
    write(batch.drain()).onComplete(done -> flushing = false);
  }

  private Future<Integer> write(Map<UUID, Long> marks) {
    metrics.lastSeenBatch.record(marks.size());
    return store.touchLastSeen(marks).onFailure(failure -> {
      metrics.lastSeenDropped.increment(marks.size());
      LOG.warn("Dropped {} last-seen update(s): {}", marks.size(), Failures.describe(failure));
    });
  }
}
