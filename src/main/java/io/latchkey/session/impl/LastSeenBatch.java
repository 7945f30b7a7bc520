package io.latchkey.session.impl;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Last-seen times waiting to be written, one per session (the newest wins). Bounded: when full, further
 * marks are dropped and counted, because last-seen is informational and must never hold requests up.
 */
final class LastSeenBatch {

  private final int maxPending;
  private Map<UUID, Long> pending = new HashMap<>();
  private long dropped;

  LastSeenBatch(int maxPending) {
    this.maxPending = maxPending;
  }

  /** Adds a mark; false when the batch is full and the mark was dropped. */
  boolean mark(UUID sessionId, long atMs) {
    if (pending.size() >= maxPending && !pending.containsKey(sessionId)) {
      dropped++;
      return false;
    }
    pending.merge(sessionId, atMs, Math::max);
    return true;
  }

  /** Takes everything pending; marks made afterwards go into the next batch. */
  Map<UUID, Long> drain() {
    Map<UUID, Long> batch = pending;
    pending = new HashMap<>();
    return batch;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  long dropped() {
    return dropped;
  }
}
