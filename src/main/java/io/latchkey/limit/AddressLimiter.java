package io.latchkey.limit;

import com.github.benmanes.caffeine.cache.Ticker;
import io.latchkey.limit.impl.GcraLimiter;

/**
 * A {@link RateLimit} per client address: each address has its own token bucket, starting full. The
 * buckets live in memory, on this node only, in a cache bounded to a maximum number of addresses: a bucket
 * that has refilled is forgotten (it is the same as a new one), and when more addresses are active than
 * the bound, the least useful buckets are dropped (their addresses start afresh). Thread-safe; both calls
 * are cheap enough for every request.
 */
public interface AddressLimiter {

  /**
   * Takes a token from the address's bucket if it has one.
   *
   * @return 0 when a token was taken; otherwise the nanoseconds until the bucket has one again (nothing
   *     was taken)
   */
  long acquire(String address);

  /**
   * Whether the address's bucket is empty, without taking anything: a single cache look-up.
   *
   * @return 0 when the bucket has a token; otherwise the nanoseconds until it has one again
   */
  long blockedFor(String address);

  /** Whether this limiter limits anything (a rate of zero does not). */
  boolean enabled();

  /** Addresses whose buckets are held right now (an estimate). */
  long addresses();

  /**
   * @param maxAddresses buckets held at most
   * @param ticker the clock, in nanoseconds ({@link Ticker#systemTicker()}; tests pass their own)
   */
  static AddressLimiter create(RateLimit limit, long maxAddresses, Ticker ticker) {
    return limit.isOff() ? Off.INSTANCE : new GcraLimiter(limit, maxAddresses, ticker);
  }

  /** The limiter of a rate of zero: never limits, holds nothing. */
  enum Off implements AddressLimiter {
    INSTANCE;

    @Override
    public long acquire(String address) {
      return 0;
    }

    @Override
    public long blockedFor(String address) {
      return 0;
    }

    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public long addresses() {
      return 0;
    }
  }
}
