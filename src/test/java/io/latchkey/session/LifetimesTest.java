package io.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.config.AppConfig.LastSeenConfig;
import io.latchkey.config.AppConfig.SessionLifetimeConfig;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LifetimesTest {

  private static final LastSeenConfig LAST_SEEN = new LastSeenConfig(Duration.ofMillis(300), Duration.ofMillis(200), 10);

  private static Lifetimes of(long maxSeconds, long idleSeconds) {
    return Lifetimes.of(new SessionLifetimeConfig(Duration.ofSeconds(maxSeconds), Duration.ofSeconds(idleSeconds)),
        LAST_SEEN);
  }

  private static CachedSession session(long createdAtMs, long lastUsedMs) {
    return new CachedSession(UUID.randomUUID(), UUID.randomUUID(), null, createdAtMs, 0, lastUsedMs);
  }

  @Test
  void offMeansNoLifetimeAtAll() {
    CachedSession ancient = session(0, 0);

    assertThat(Lifetimes.NONE.any()).isFalse();
    assertThat(Lifetimes.NONE.pastMaxLifetime(ancient, Long.MAX_VALUE / 2)).isFalse();
    assertThat(Lifetimes.NONE.idleHere(ancient, Long.MAX_VALUE / 2)).isFalse();
    assertThat(Lifetimes.NONE.expiresAtMs(0, 0)).isNull();
    assertThat(Lifetimes.NONE.databaseIdleMs()).isZero();
    Lifetimes.NONE.used(ancient, 5_000);
    assertThat(ancient.lastUsedMs()).as("no idle timeout, nothing written").isZero();
  }

  @Test
  void theMaximumLifetimeCountsFromCreation() {
    Lifetimes lifetimes = of(10, 0);
    CachedSession session = session(1_000, 1_000);

    assertThat(lifetimes.pastMaxLifetime(session, 10_999)).isFalse();
    assertThat(lifetimes.pastMaxLifetime(session, 11_000)).isTrue();
    assertThat(lifetimes.idleHere(session, 1_000_000)).isFalse();
    assertThat(lifetimes.expiresAtMs(1_000, 500_000)).isEqualTo(11_000);
  }

  @Test
  void idlenessCountsFromTheLastUseHereAndPostgresqlAllowsForTheLastSeenLag() {
    Lifetimes lifetimes = of(0, 5);
    CachedSession session = session(1_000, 1_000);

    assertThat(lifetimes.idleHere(session, 5_999)).isFalse();
    assertThat(lifetimes.idleHere(session, 6_000)).isTrue();
    lifetimes.used(session, 6_000);
    assertThat(lifetimes.idleHere(session, 10_999)).isFalse();
    lifetimes.used(session, 4_000);
    assertThat(session.lastUsedMs()).as("an older use never moves it back").isEqualTo(6_000);
    assertThat(lifetimes.databaseIdleMs()).as("idle timeout + interval + flush").isEqualTo(5_500);
    assertThat(lifetimes.expiresAtMs(1_000, 6_000)).isEqualTo(11_000);
  }

  @Test
  void bothApplyTheEarlierWins() {
    Lifetimes lifetimes = of(60, 5);

    assertThat(lifetimes.expiresAtMs(0, 10_000)).isEqualTo(15_000);
    assertThat(lifetimes.expiresAtMs(0, 58_000)).isEqualTo(60_000);
  }
}
