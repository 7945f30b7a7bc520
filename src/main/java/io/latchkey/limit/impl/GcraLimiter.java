package io.latchkey.limit.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.latchkey.limit.AddressLimiter;
import io.latchkey.limit.RateLimit;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.function.Function;

/**
 * Token buckets in the form of the generic cell rate algorithm: a bucket is the time at which it will be
 * full again (its "theoretical arrival time", TAT) and the number of tokens held by requests still in
 * flight. Taking a token moves the TAT one interval later; the tokens in use are those the TAT is ahead of
 * now (rounded up to whole intervals) plus the held ones, and none is free once they reach the burst. A
 * bucket is two fields updated by atomic instructions without a lock, and a hold given back leaves the
 * TAT exactly as it was: holds are counted apart from it precisely so that returning one is exact, where
 * moving the TAT back would return too much once time had caught up with it. An entry idle for a full
 * refill is worth nothing and expires.
 */
public final class GcraLimiter implements AddressLimiter {

  private static final VarHandle TAT;
  private static final VarHandle HOLDS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      TAT = lookup.findVarHandle(Bucket.class, "tat", long.class);
      HOLDS = lookup.findVarHandle(Bucket.class, "holds", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final long interval;
  /** The burst as time: the TAT may be at most this far ahead of now, holds counted as intervals. */
  private final long capacity;
  private final Ticker ticker;
  private final Cache<String, Bucket> buckets;
  private final Function<String, Bucket> newBucket = Bucket::new;

  public GcraLimiter(RateLimit limit, long maxAddresses, Ticker ticker) {
    this.interval = Math.max(1, limit.interval().toNanos());
    this.capacity = interval * limit.burst();
    this.ticker = ticker;
    this.buckets = Caffeine.newBuilder()
        .maximumSize(maxAddresses)
        .expireAfterAccess(Duration.ofNanos(capacity))
        .ticker(ticker)
        // eviction inline, on the thread that added an address: a few steps each time, and the bound holds exactly
        .executor(Runnable::run)
        .build();
  }

  @Override
  public long acquire(String address) {
    Bucket bucket = buckets.get(address, newBucket);
    long wait = bucket.reserve();
    if (wait == 0) {
      bucket.take();
      HOLDS.getAndAdd(bucket, -1);
    }
    return wait;
  }

  @Override
  public Budget budget(String address) {
    return buckets.get(address, newBucket);
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public long addresses() {
    return buckets.estimatedSize();
  }

  /**
   * One address's bucket. A hold is counted before the TAT is read, and a spent hold moves the TAT before
   * it stops being counted: a concurrent reservation therefore always sees every other token, held or
   * taken, at least once (at worst twice, and is refused when it need not be).
   */
  private final class Bucket implements Budget {

    private final String address;
    /** A new bucket is full: its TAT lies long ago (far enough for any clock, near enough not to overflow). */
    private volatile long tat = Long.MIN_VALUE / 2;
    private volatile int holds;

    Bucket(String address) {
      this.address = address;
    }

    @Override
    public long reserve() {
      long held = (int) HOLDS.getAndAdd(this, 1) + 1;
      long now = ticker.read();
      long wait = Math.max(tat, now) + held * interval - capacity - now;
      if (wait > 0) {
        HOLDS.getAndAdd(this, -1);
        return wait;
      }
      return 0;
    }

    @Override
    public void settle(boolean spent) {
      if (!spent) {
        HOLDS.getAndAdd(this, -1);
        return;
      }
      take();
      HOLDS.getAndAdd(this, -1);
      if (buckets.getIfPresent(address) != this) {
        // the bucket expired or was evicted while the token was held (a request that outlived a full
        // refill): the failure is charged to the address's bucket of now, so that it is not lost
        buckets.get(address, newBucket).take();
      }
    }

    /** Moves the TAT one interval on, whatever it was: the caller has made room for the token. */
    private void take() {
      long now = ticker.read();
      long current;
      do {
        current = tat;
      } while (!TAT.compareAndSet(this, current, Math.max(current, now) + interval));
    }
  }
}
