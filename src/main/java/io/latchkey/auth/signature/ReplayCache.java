package io.latchkey.auth.signature;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Nonces already used, per session, for as long as a signature carrying them could still be accepted
 * (twice the allowed skew). Bounded; shared by the node's HTTP verticles (Caffeine is thread-safe), so
 * a replay on another connection of the same node is caught too.
 */
public final class ReplayCache {

  private final Cache<String, Boolean> seen;

  private ReplayCache(Cache<String, Boolean> seen) {
    this.seen = seen;
  }

  public static ReplayCache create(Duration maxSkew, long maxEntries) {
    return new ReplayCache(Caffeine.newBuilder()
        .expireAfterWrite(maxSkew.multipliedBy(2).plusSeconds(1))
        .maximumSize(maxEntries)
        .build());
  }

  /** True the first time a session uses a nonce within the window; false for a replay. */
  boolean firstUse(String sessionId, String nonce) {
    return seen.asMap().putIfAbsent(sessionId + ' ' + nonce, Boolean.TRUE) == null;
  }
}
