package io.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdentityTest {

  @Test
  void emailIsTrimmedAndLowerCased() {
    assertThat(Identity.parse("email", "  Alice.Smith+tag@Example.COM ").subject())
        .isEqualTo("alice.smith+tag@example.com");
  }

  @Test
  void telegramIsAPositiveNumericId() {
    assertThat(Identity.parse("telegram", " 123456789 ").subject()).isEqualTo("123456789");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "phone|+4912345",
      "EMAIL|a@example.com",
      "email|not-an-email",
      "email|two@@example.com",
      "email|no-domain@",
      "email|spaces in@example.com",
      "email|dotless@localhost",
      "telegram|0",
      "telegram|-5",
      "telegram|12ab",
      "telegram|0012",
      "telegram|99999999999999999999999",
      "telegram|''",
  })
  void invalidIdentitiesAreRejectedWithAReason(String kind, String subject) {
    assertThatThrownBy(() -> Identity.parse(kind, subject))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessageContaining("identity");
  }

  @Test
  void jsonNeedsStringKindAndSubject() {
    assertThatThrownBy(() -> Identity.fromJson(new JsonObject().put("kind", "email").put("subject", 5)))
        .isInstanceOf(InvalidIdentityException.class);
    assertThatThrownBy(() -> Identity.fromJson(new JsonObject().put("subject", "a@example.com")))
        .isInstanceOf(InvalidIdentityException.class);
    assertThat(Identity.fromJson(new JsonObject().put("kind", "email").put("subject", "A@b.co")))
        .isEqualTo(new Identity(IdentityKind.EMAIL, "a@b.co"));
  }

  @Test
  void overlongEmailIsRejected() {
    String local = "a".repeat(64);
    String domain = "d".repeat(200) + ".com";
    assertThatThrownBy(() -> Identity.parse("email", local + "@" + domain)).isInstanceOf(InvalidIdentityException.class);
  }
}
