package io.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokensTest {

  @Test
  void aTokenIsThePrefixAnd256RandomBitsInBase64url() {
    String token = Tokens.generate();

    assertThat(token).startsWith("lk_").hasSize(46).matches("lk_[A-Za-z0-9_-]{43}");
    assertThat(Base64.getUrlDecoder().decode(token.substring(3))).hasSize(32);
    assertThat(Tokens.wellFormed(token)).isTrue();
  }

  @Test
  void tokensDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertThat(seen.add(Tokens.generate())).isTrue();
    }
  }

  @Test
  void theHashIsTheSha256OfTheWholeTokenString() throws Exception {
    String token = Tokens.generate();
    byte[] expected = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));

    assertThat(Tokens.hash(token).bytes()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "lk_", "Bearer lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "xx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/", "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\u00e9"})
  void malformedTokensAreRecognisedWithoutAnyLookup(String candidate) {
    assertThat(Tokens.wellFormed(candidate)).isFalse();
    assertThatThrownBy(() -> Tokens.hash(candidate)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("malformed token");
  }

  @Test
  void nullIsMalformed() {
    assertThat(Tokens.wellFormed(null)).isFalse();
  }
}
