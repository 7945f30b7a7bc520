package io.latchkey.session.impl;

import io.latchkey.session.SessionStore;
import io.latchkey.telemetry.Metrics;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The readiness question "does PostgreSQL answer?". {@code /readyz} is open to anyone, so it must not turn
 * callers into queries: every caller shares the check in flight, or the result of one started less than
 * {@link #MAX_AGE_MS} ago. A check that does not answer within {@code HEALTH_CHECK_TIMEOUT_MS} fails, so a
 * hung one is not shared longer.
 */
final class DatabaseCheck {

  /** How old the result {@code /readyz} answers from may be. */
  static final long MAX_AGE_MS = 1_000;

  private final SessionStore store;
  private final Metrics metrics;
  private final long timeoutMs;
  private Future<Void> last;
  private long lastStartedNanos;

  DatabaseCheck(SessionStore store, Metrics metrics, Duration timeout) {
    this.store = store;
    this.metrics = metrics;
    this.timeoutMs = timeout.toMillis();
  }

  Future<Void> check() {
    long now = System.nanoTime();
    if (last == null || last.isComplete() && now - lastStartedNanos >= TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MS)) {
      lastStartedNanos = now;
      metrics.databaseChecks.increment();
      last = store.ping().timeout(timeoutMs, TimeUnit.MILLISECONDS);
    }
    return last;
  }
}
