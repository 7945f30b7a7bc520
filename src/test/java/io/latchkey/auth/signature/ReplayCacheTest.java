package io.latchkey.auth.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplayCacheTest {

  private final ReplayCache cache = ReplayCache.create(Duration.ofSeconds(60), 10_000);

  @Test
  void aNonceIsSpentOncePerSession() {
    String nonce = "n".repeat(127) + "a";

    assertThat(cache.firstUse("s1", nonce)).isTrue();
    assertThat(cache.firstUse("s1", nonce)).isFalse();
    assertThat(cache.firstUse("s2", nonce)).isTrue();
    assertThat(cache.firstUse("s1", "n".repeat(127) + "b")).isTrue();
  }

  @Test
  void sessionAndNonceCannotBeShiftedIntoEachOther() {
    assertThat(cache.firstUse("a b", "c")).isTrue();
    assertThat(cache.firstUse("a", "b c")).isTrue();
  }
}
