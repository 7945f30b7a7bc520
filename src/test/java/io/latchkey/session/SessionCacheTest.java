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

  @Test
  @DisplayName("only device-bound sessions are found by id: an ordinary session adds nothing to the index")
  void onlyDeviceBoundSessionsAreFoundById() {
    CachedSession bound = new CachedSession(UUID.randomUUID(), UUID.randomUUID(), new byte[32], 1, 0);
    TokenHash boundHash = Tokens.hash(Tokens.generate());

    cache.putCreated(hash, active);
    cache.fill(boundHash, bound);

    assertThat(cache.deviceHash(active.sessionId())).isNull();
    assertThat(cache.device(active.sessionId())).isNull();
    assertThat(cache.deviceHash(bound.sessionId())).isEqualTo(boundHash);
    assertThat(cache.device(bound.sessionId())).isSameAs(bound);
  }

  @Test
  @DisplayName("a revocation reaches a device-bound session by id as by token: both find the one tombstone")
  void aTombstoneIsWhatTheIdFinds() {
    CachedSession bound = new CachedSession(UUID.randomUUID(), UUID.randomUUID(), new byte[32], 1, 0);
    cache.putCreated(hash, bound);

    // a broadcast knows no key: the tombstone is written from what the revocation says
    cache.tombstone(hash, new CachedSession(bound.sessionId(), bound.accountId(), null, 0, 0), 42);

    assertThat(cache.device(bound.sessionId()).active()).isFalse();
    assertThat(cache.device(bound.sessionId())).isSameAs(cache.get(hash));
  }

  @Test
  @DisplayName("a revoked row read by id is found by id even when the tombstone before it carried no key")
  void aRevokedRowReadByIdIsIndexedOverAKeylessTombstone() {
    UUID id = UUID.randomUUID();
    cache.tombstone(hash, new CachedSession(id, UUID.randomUUID(), null, 0, 0), 7);

    CachedSession held = cache.fill(hash, new CachedSession(id, UUID.randomUUID(), new byte[32], 1, 7));

    assertThat(held.active()).isFalse();
    assertThat(cache.device(id)).isSameAs(held);
  }

  @Test
  void creatingADeviceBoundSessionForgetsThatItsIdWasUnknown() {
    CachedSession bound = new CachedSession(UUID.randomUUID(), UUID.randomUUID(), new byte[32], 1, 0);
    cache.rememberUnknownId(bound.sessionId());

    cache.putCreated(hash, bound);

    assertThat(cache.knownUnknownId(bound.sessionId())).isFalse();
    assertThat(cache.device(bound.sessionId())).isSameAs(bound);
  }
}
