package io.latchkey.limit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressLimiterTest {

  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  /** A clock the test moves by hand. */
  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final Ticker clock = now::get;

  @Test
  void aBurstIsAllowedThenTheAddressWaitsOneInterval() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perMinute(30, 3), 1000, clock);

    assertThat(limiter.acquire("192.0.2.1")).isZero();
    assertThat(limiter.acquire("192.0.2.1")).isZero();
    assertThat(limiter.acquire("192.0.2.1")).isZero();

    assertThat(limiter.acquire("192.0.2.1")).as("one token every 2 s").isEqualTo(2 * SECOND);
    now.addAndGet(SECOND / 2);
    assertThat(limiter.acquire("192.0.2.1")).isEqualTo(SECOND * 3 / 2);
    now.addAndGet(SECOND * 3 / 2);
    assertThat(limiter.acquire("192.0.2.1")).as("the token came back").isZero();
    assertThat(limiter.acquire("192.0.2.1")).isEqualTo(2 * SECOND);
  }

  @Test
  void blockedForLooksWithoutTaking() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perSecond(1, 2), 1000, clock);

    assertThat(limiter.blockedFor("192.0.2.1")).as("an unknown address").isZero();
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.blockedFor("192.0.2.1")).isZero();
    }
    limiter.acquire("192.0.2.1");
    assertThat(limiter.blockedFor("192.0.2.1")).as("one token left").isZero();
    limiter.acquire("192.0.2.1");

    assertThat(limiter.blockedFor("192.0.2.1")).isEqualTo(SECOND);
    now.addAndGet(SECOND);
    assertThat(limiter.blockedFor("192.0.2.1")).isZero();
  }

  @Test
  void refusedRequestsDoNotPushTheRefillBack() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perSecond(1, 1), 1000, clock);
    limiter.acquire("192.0.2.1");

    for (int i = 0; i < 100; i++) {
      assertThat(limiter.acquire("192.0.2.1")).isPositive();
    }
    now.addAndGet(SECOND);

    assertThat(limiter.acquire("192.0.2.1")).as("hammering while refused costs nothing more").isZero();
  }

  @Test
  void anIdleAddressRefillsToAFullBurst() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perSecond(2, 4), 1000, clock);
    for (int i = 0; i < 4; i++) {
      limiter.acquire("192.0.2.1");
    }
    assertThat(limiter.acquire("192.0.2.1")).isPositive();

    now.addAndGet(10 * SECOND);

    for (int i = 0; i < 4; i++) {
      assertThat(limiter.acquire("192.0.2.1")).isZero();
    }
    assertThat(limiter.acquire("192.0.2.1")).as("never more than the burst").isEqualTo(SECOND / 2);
  }

  @Test
  void addressesHaveTheirOwnBuckets() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perMinute(1, 1), 1000, clock);

    assertThat(limiter.acquire("192.0.2.1")).isZero();
    assertThat(limiter.acquire("192.0.2.1")).isPositive();

    assertThat(limiter.acquire("192.0.2.2")).isZero();
    assertThat(limiter.blockedFor("192.0.2.3")).isZero();
  }

  @Test
  void memoryIsBoundedByTheAddressLimit() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perMinute(1, 1), 100, clock);

    for (int i = 0; i < 10_000; i++) {
      limiter.acquire("10.0." + (i / 256) + "." + (i % 256));
    }

    assertThat(limiter.addresses()).isLessThanOrEqualTo(100);
  }

  @ParameterizedTest
  @ValueSource(longs = {Long.MIN_VALUE / 4, -1, 0, Long.MAX_VALUE / 4})
  void worksWhereverTheClockStarts(long start) {
    now.set(start);
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perSecond(1, 2), 1000, clock);

    assertThat(limiter.blockedFor("192.0.2.1")).isZero();
    assertThat(limiter.acquire("192.0.2.1")).isZero();
    assertThat(limiter.acquire("192.0.2.1")).isZero();
    assertThat(limiter.acquire("192.0.2.1")).isEqualTo(SECOND);
    assertThat(limiter.blockedFor("192.0.2.1")).isEqualTo(SECOND);
  }

  @Test
  void aRateOfZeroIsOff() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perMinute(0, 1), 1000, clock);

    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.acquire("192.0.2.1")).isZero();
    }
    assertThat(limiter.blockedFor("192.0.2.1")).isZero();
    assertThat(limiter.enabled()).isFalse();
    assertThat(limiter.addresses()).isZero();
  }

  @Test
  void intervalsFollowTheRate() {
    assertThat(RateLimit.perMinute(30, 1).interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(RateLimit.perSecond(10, 1).interval()).isEqualTo(Duration.ofMillis(100));
    assertThat(RateLimit.perSecond(0, 1).isOff()).isTrue();
  }
}
