package io.latchkey.session.impl;

import io.latchkey.config.AppConfig.SessionCacheConfig;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionStore;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot warm-up: active sessions, most recently used first, up to the cache capacity, streamed through a
 * cursor into the cache; retried after {@code WARMUP_RETRY_MS} when it fails. Until it is done the node
 * reports itself not ready. The safety net's watermark is read first, and polls during the warm-up leave
 * tombstones it cannot overwrite, so a revocation its snapshot misses is never cached as active.
 */
final class WarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

  private final Vertx vertx;
  private final SessionStore store;
  private final SessionCache cache;
  private final SafetyNet safetyNet;
  private final SessionCacheConfig settings;
  private boolean warm;
  private boolean stopped;

  WarmUp(Vertx vertx, SessionStore store, SessionCache cache, SafetyNet safetyNet, SessionCacheConfig settings) {
    this.vertx = vertx;
    this.store = store;
    this.cache = cache;
    this.safetyNet = safetyNet;
    this.settings = settings;
  }

  boolean warm() {
    return warm;
  }

  /** The verticle is stopping (its pool closes): a warm-up cut short by that is no failure, and is not retried. */
  void stop() {
    stopped = true;
  }

  void start() {
    if (stopped) {
      return;
    }
    long started = System.nanoTime();
    safetyNet.startWatermark()
        .compose(v -> store.streamActive(settings.maxEntries(), settings.warmupFetchSize(), cache::fill))
        .onComplete(loaded -> {
          warm = true;
          safetyNet.warmed();
          LOG.info("Session cache warm: {} active session(s) loaded in {} ms", loaded,
              (System.nanoTime() - started) / 1_000_000);
        }, failure -> {
          if (stopped) {
            LOG.debug("Session cache warm-up ended by the node stopping ({})", Failures.describe(failure));
            return;
          }
          LOG.warn("Session cache warm-up failed ({}); retrying in {} ms", Failures.describe(failure),
              settings.warmupRetry().toMillis());
          vertx.setTimer(settings.warmupRetry().toMillis(), t -> start());
        });
  }
}
