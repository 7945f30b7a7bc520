package io.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.config.AppConfig;
import io.latchkey.testing.TestConfig;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SessionCacheTest {

  private final SessionCache cache = SessionCache.create(AppConfig.from(TestConfig.defaults()).sessionCache());
  private final TokenHash hash = Tokens.hash(Tokens.generate());
  private final CachedSession active = new CachedSession(UUID.randomUUID(), UUID.randomUUID(), null, 1, 0);

  @Test
  @DisplayName("a database read that raced a revocation cannot put the session back as active (tombstone)")
  void aDatabaseReadThatRacedARevocationCannotResurrectTheSession() {
    // the revocation lands while the miss's read is in flight, before anything was cached
    cache.tombstone(hash, active, 99);

    CachedSession afterRead = cache.fill(hash, active);

    assertThat(afterRead.active()).isFalse();
    assertThat(cache.get(hash).active()).isFalse();
    assertThat(cache.get(hash).revokedAtMs()).isEqualTo(99);
  }

  @Test
  void aRevocationOverridesACachedActiveSession() {
    cache.fill(hash, active);

    cache.tombstone(hash, active, 5);

    assertThat(cache.get(hash).active()).isFalse();
  }

  @Test
  void aSecondRevocationKeepsTheFirstTime() {
    cache.tombstone(hash, active, 5);
    cache.tombstone(hash, active, 9);

    assertThat(cache.get(hash).revokedAtMs()).isEqualTo(5);
  }

  @Test
  @DisplayName("a revocation applied before the creator's write-through lands keeps the new session revoked")
  void aRevocationThatOvertookTheCreationWins() {
    // a revoke-all (here, or on another node) saw the committed row before this node handled its own insert
    cache.tombstone(hash, active, 7);

    cache.putCreated(hash, active);

    assertThat(cache.get(hash).active()).isFalse();
    assertThat(cache.get(hash).revokedAtMs()).isEqualTo(7);
  }

  @Test
  void creatingASessionForgetsThatItsHashWasUnknown() {
    cache.rememberUnknown(hash);
    assertThat(cache.knownUnknown(hash)).isTrue();

    cache.putCreated(hash, active);

    assertThat(cache.knownUnknown(hash)).isFalse();
    assertThat(cache.get(hash)).isSameAs(active);
  }
}
