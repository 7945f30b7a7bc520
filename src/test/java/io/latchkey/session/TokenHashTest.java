package io.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenHashTest {

  @Test
  void roundTripsItsBytesAndComparesByValue() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest("lk_example".getBytes(StandardCharsets.UTF_8));

    TokenHash hash = TokenHash.of(digest);

    assertThat(hash.bytes()).isEqualTo(digest);
    assertThat(TokenHash.of(digest.clone())).isEqualTo(hash).hasSameHashCodeAs(hash);
    digest[31] ^= 1;
    assertThat(TokenHash.of(digest)).isNotEqualTo(hash);
  }

  @Test
  void rejectsAnythingButThirtyTwoBytes() {
    assertThatThrownBy(() -> TokenHash.of(new byte[31])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void neverPrintsTheHash() {
    assertThat(TokenHash.of(new byte[32]).toString()).doesNotContainPattern("[0-9a-f]{8}");
  }
}
