package io.latchkey.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class Uuid7Test {

  @Test
  void carriesVersionSevenVariantAndTheMillisecondTimestamp() {
    long now = 1_732_350_000_123L;
    UUID id = Uuid7.at(now);

    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(now);
  }

  @Test
  void laterIdsSortAfterEarlierOnes() {
    assertThat(Uuid7.at(1000).toString()).isLessThan(Uuid7.at(1001).toString());
  }

  @Test
  void idsAreUnique() {
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      assertThat(seen.add(Uuid7.next())).isTrue();
    }
  }
}
