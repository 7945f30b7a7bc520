package io.latchkey.session.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LastSeenBatchTest {

  private static final UUID SESSION = UUID.fromString("018f0000-0000-7000-8000-000000000001");

  @Test
  void aLastSeenBatchKeepsTheNewestTimePerSessionAndIsBounded() {
    LastSeenBatch batch = new LastSeenBatch(2);
    UUID other = UUID.randomUUID();
    batch.mark(SESSION, 10);
    batch.mark(SESSION, 30);
    batch.mark(SESSION, 20);
    batch.mark(other, 5);
    batch.mark(UUID.randomUUID(), 7);

    assertThat(batch.dropped()).isEqualTo(1);
    assertThat(batch.drain()).isEqualTo(Map.of(SESSION, 30L, other, 5L));
    assertThat(batch.isEmpty()).isTrue();
  }
}
