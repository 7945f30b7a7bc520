package io.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionPiecesTest {

  private static final UUID SESSION = UUID.fromString("018f0000-0000-7000-8000-000000000001");
  private static final UUID ACCOUNT = UUID.fromString("018f0000-0000-7000-8000-0000000000aa");

  @Test
  void aSessionIsMarkedSeenAtMostOncePerInterval() {
    CachedSession session = new CachedSession(SESSION, ACCOUNT, null, 0, 0);

    assertThat(session.markSeen(100_000, 60_000)).isTrue();
    assertThat(session.markSeen(100_001, 60_000)).isFalse();
    assertThat(session.markSeen(159_999, 60_000)).isFalse();
    assertThat(session.markSeen(160_000, 60_000)).isTrue();
  }

  @Test
  void aTombstoneKeepsTheIdentityAndIsNeverActive() {
    CachedSession active = new CachedSession(SESSION, ACCOUNT, new byte[32], 5, 0);
    CachedSession tombstone = active.revoked(1234);

    assertThat(active.active()).isTrue();
    assertThat(tombstone.active()).isFalse();
    assertThat(tombstone.revokedAtMs()).isEqualTo(1234);
    assertThat(tombstone.sessionId()).isEqualTo(SESSION);
    assertThat(active.revoked(0).active()).as("a zero time still revokes").isFalse();
  }

  @Test
  void anInvalidationRoundTripsThroughJsonWithoutAnyToken() {
    TokenHash hash = Tokens.hash(Tokens.generate());
    Invalidation sent = new Invalidation(42, ACCOUNT, List.of(new Revoked(SESSION, ACCOUNT, hash, 42)));

    Invalidation received = Invalidation.fromJson(sent.toJson());

    assertThat(received).isEqualTo(sent);
    assertThat(sent.toJson().encode()).doesNotContain(Tokens.PREFIX);
  }

  @Test
  void anInvalidationOfAnotherVersionIsRefused() {
    assertThatThrownBy(() -> Invalidation.fromJson(new Invalidation(1, null, List.of()).toJson().put("v", 2)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
