package io.latchkey.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void matchesExactlyTheConfiguredKeys() {
    ApiKeys keys = ApiKeys.parse("INTERNAL_API_KEYS", " first-key-0123456789 , ,second-key-0123456789");

    assertThat(keys.matches("first-key-0123456789")).isTrue();
    assertThat(keys.matches("second-key-0123456789")).isTrue();
    assertThat(keys.matches("first-key-012345678")).isFalse();
    assertThat(keys.matches("first-key-0123456789 ")).isFalse();
    assertThat(keys.matches("")).isFalse();
    assertThat(keys.matches(null)).isFalse();
  }

  @Test
  void anEmptyFamilyMatchesNothing() {
    ApiKeys none = ApiKeys.parse("ADMIN_API_KEYS", null);

    assertThat(none.isEmpty()).isTrue();
    assertThat(none.matches("anything-at-all-0123")).isFalse();
    assertThat(ApiKeys.parse("ADMIN_API_KEYS", " , ").isEmpty()).isTrue();
  }

  @Test
  void shortKeysAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> ApiKeys.parse("ADMIN_API_KEYS", "short"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("ADMIN_API_KEYS")
        .message().doesNotContain("short");
  }

  @Test
  void neverPrintsItsKeys() {
    assertThat(ApiKeys.parse("ADMIN_API_KEYS", "first-key-0123456789").toString())
        .doesNotContain("first-key").isEqualTo("ApiKeys[1 key(s)]");
  }

  @Test
  void detectsAKeyInBothFamilies() {
    ApiKeys internal = ApiKeys.parse("INTERNAL_API_KEYS", "shared-key-0123456789");
    ApiKeys admin = ApiKeys.parse("ADMIN_API_KEYS", "admin-key-0123456789,shared-key-0123456789");

    assertThat(internal.overlaps(admin)).isTrue();
    assertThat(internal.overlaps(ApiKeys.parse("ADMIN_API_KEYS", "admin-key-0123456789"))).isFalse();
  }
}
