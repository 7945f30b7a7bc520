package io.latchkey.limit.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.latchkey.limit.AddressLimiter;
import io.latchkey.limit.RateLimit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Token buckets in the form of the generic cell rate algorithm: a bucket is one number per address, the
 * time at which it will be full again (its "theoretical arrival time", TAT). Taking a token moves the TAT
 * one interval later; the bucket is empty while the TAT is more than {@code burst - 1} intervals ahead of
 * now. So a bucket costs one {@link AtomicLong}, is updated by compare-and-set without a lock, and
 * "is it empty?" is one read. An entry idle for a full refill is worth nothing and expires.
 */
public final class GcraLimiter implements AddressLimiter {

  /** A new bucket is full: its TAT lies long ago (far enough for any clock, near enough not to overflow). */
  private static final Function<String, AtomicLong> NEW_BUCKET = address -> new AtomicLong(Long.MIN_VALUE / 2);

  private final long interval;
  private final long tolerance;
  private final Ticker ticker;
  private final Cache<String, AtomicLong> buckets;

  public GcraLimiter(RateLimit limit, long maxAddresses, Ticker ticker) {
    this.interval = Math.max(1, limit.interval().toNanos());
    this.tolerance = interval * (limit.burst() - 1);
    this.ticker = ticker;
    this.buckets = Caffeine.newBuilder()
        .maximumSize(maxAddresses)
        .expireAfterAccess(Duration.ofNanos(tolerance + interval))
        .ticker(ticker)
        // eviction inline, on the thread that added an address: a few steps each time, and the bound holds exactly
        .executor(Runnable::run)
        .build();
  }

  @Override
  public long acquire(String address) {
    AtomicLong bucket = buckets.get(address, NEW_BUCKET);
    long now = ticker.read();
    while (true) {
      long tat = bucket.get();
      long start = Math.max(tat, now);
      long wait = start - tolerance - now;
      if (wait > 0) {
        return wait;
      }
      if (bucket.compareAndSet(tat, start + interval)) {
        return 0;
      }
    }
  }

  @Override
  public long blockedFor(String address) {
    AtomicLong bucket = buckets.getIfPresent(address);
    if (bucket == null) {
      return 0;
    }
    return Math.max(0, bucket.get() - tolerance - ticker.read());
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public long addresses() {
    return buckets.estimatedSize();
  }
}
