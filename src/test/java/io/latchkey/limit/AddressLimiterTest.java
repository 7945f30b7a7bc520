package io.latchkey.limit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  void aHeldTokenCountsAsTakenUntilItIsSettled() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perSecond(1, 2), 1000, clock);
    AddressLimiter.Budget budget = limiter.budget("192.0.2.1");

    assertThat(budget.reserve()).isZero();
    assertThat(budget.reserve()).isZero();
    assertThat(budget.reserve()).as("both tokens held").isPositive();
    assertThat(limiter.acquire("192.0.2.1")).as("held tokens are not there to take").isPositive();
    now.addAndGet(10 * SECOND);
    assertThat(budget.reserve()).as("a held token does not refill").isPositive();

    budget.settle(false);
    assertThat(limiter.budget("192.0.2.1").reserve()).as("one given back").isZero();
  }

  @Test
  void aSpentTokenRefillsFromTheMomentItIsSpent() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perSecond(1, 1), 1000, clock);
    AddressLimiter.Budget budget = limiter.budget("192.0.2.1");
    assertThat(budget.reserve()).isZero();
    now.addAndGet(10 * SECOND);

    budget.settle(true);

    assertThat(limiter.acquire("192.0.2.1")).isEqualTo(SECOND);
    now.addAndGet(SECOND);
    assertThat(limiter.acquire("192.0.2.1")).isZero();
  }

  @Test
  void tokensGivenBackCostNothingHowEverLongTheyWereHeld() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perMinute(30, 3), 1000, clock);
    AddressLimiter.Budget budget = limiter.budget("192.0.2.1");
    for (int i = 0; i < 1000; i++) {
      assertThat(budget.reserve()).isZero();
      now.addAndGet(SECOND / 10);
      budget.settle(false);
    }
    // held across a refill: the bucket was full again while the token was out, and one was taken meanwhile
    assertThat(budget.reserve()).isZero();
    now.addAndGet(10 * SECOND);
    assertThat(limiter.acquire("192.0.2.1")).isZero();
    budget.settle(false);

    assertThat(limiter.acquire("192.0.2.1")).isZero();
    assertThat(limiter.acquire("192.0.2.1")).isZero();
    assertThat(limiter.acquire("192.0.2.1")).as("the burst, less the one taken, and no more").isPositive();
  }

  @Test
  void holdsThatOverlapNeverSpendMoreThanTheBurst() throws Exception {
    int burst = 50;
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perMinute(1, burst), 1000, clock);
    AtomicInteger inUse = new AtomicInteger();
    AtomicInteger spent = new AtomicInteger();
    AtomicInteger worst = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        runs.add(threads.submit(() -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = 0; i < 20_000; i++) {
            AddressLimiter.Budget budget = limiter.budget("192.0.2.1");
            if (budget.reserve() != 0) {
              continue;
            }
            // counted after the limiter counts them and given up before it does, spent ones read first: never
            // more than the limiter sees at that moment
            int spentSoFar = spent.get();
            worst.accumulateAndGet(spentSoFar + inUse.incrementAndGet(), Math::max);
            inUse.decrementAndGet();
            boolean spend = random.nextInt(20) == 0;
            budget.settle(spend);
            if (spend) {
              spent.incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> run : runs) {
        run.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(worst.get()).as("tokens held and spent at once").isLessThanOrEqualTo(burst);
    assertThat(spent.get()).as("with the clock stopped, exactly the burst can be spent").isEqualTo(burst);
    assertThat(limiter.budget("192.0.2.1").reserve()).isPositive();
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
    assertThat(limiter.budget("192.0.2.3").reserve()).isZero();
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

    AddressLimiter.Budget budget = limiter.budget("192.0.2.1");
    assertThat(budget.reserve()).isZero();
    budget.settle(true);
    assertThat(limiter.acquire("192.0.2.1")).isZero();
    assertThat(limiter.acquire("192.0.2.1")).isEqualTo(SECOND);
    assertThat(budget.reserve()).isEqualTo(SECOND);
  }

  @Test
  void aRateOfZeroIsOff() {
    AddressLimiter limiter = AddressLimiter.create(RateLimit.perMinute(0, 1), 1000, clock);

    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.acquire("192.0.2.1")).isZero();
    }
    assertThat(limiter.budget("192.0.2.1").reserve()).isZero();
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
