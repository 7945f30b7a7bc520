package io.latchkey.limit;

import com.github.benmanes.caffeine.cache.Ticker;
import io.latchkey.limit.impl.GcraLimiter;

/**
 * A {@link RateLimit} per client address: each address has its own token bucket, starting full. The
 * buckets live in memory, on this node only, in a cache bounded to a maximum number of addresses: a bucket
 * that has refilled and is idle is forgotten (it is the same as a new one), and when more addresses are
 * active than the bound, the least useful buckets are dropped (their addresses start afresh). Thread-safe;
 * every call is cheap enough for every request.
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
   * The address's budget, for requests that learn only at their end whether they cost a token. Creates the
   * address's bucket if it has none; allocates nothing for an address that has one.
   */
  Budget budget(String address);

  /** Whether this limiter limits anything (a rate of zero does not). */
  boolean enabled();

  /** Addresses whose buckets are held right now (an estimate). */
  long addresses();

  /**
   * One address's bucket, seen by requests whose cost is known only when they end (a credential check:
   * a failure costs a token, a success nothing). Such a request {@linkplain #reserve() holds} a token before
   * it starts and {@linkplain #settle(boolean) settles} it when it ends. A held token counts as taken for
   * every other request of the address for as long as it is held, so requests that overlap in time cannot
   * spend more than the bucket has; it does not refill while held.
   */
  interface Budget {

    /**
     * Holds one token if the bucket has one free.
     *
     * @return 0 when a token is held (settle it exactly once); otherwise about the nanoseconds until one
     *     is free (nothing is held)
     */
    long reserve();

    /**
     * Ends a hold. Spent: the token is taken, as by {@link AddressLimiter#acquire}, and refills from now.
     * Not spent: it is given back whole, as if it had never been held.
     */
    void settle(boolean spent);
  }

  /**
   * @param maxAddresses buckets held at most
   * @param ticker the clock, in nanoseconds ({@link Ticker#systemTicker()}; tests pass their own)
   */
  static AddressLimiter create(RateLimit limit, long maxAddresses, Ticker ticker) {
    return limit.isOff() ? Off.INSTANCE : new GcraLimiter(limit, maxAddresses, ticker);
  }

  /** The limiter of a rate of zero: never limits, holds nothing. */
  enum Off implements AddressLimiter, Budget {
    INSTANCE;

    @Override
    public long acquire(String address) {
      return 0;
    }

    @Override
    public Budget budget(String address) {
      return this;
    }

    @Override
    public long reserve() {
      return 0;
    }

    @Override
    public void settle(boolean spent) {}

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
