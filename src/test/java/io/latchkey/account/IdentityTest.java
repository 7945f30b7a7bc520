package io.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
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

  // SPEC §2: two inputs are the same identity only if they differ in surrounding whitespace or in the case of
  // ASCII letters. Everything below is either that, or a 400.

  @Test
  void onlyAsciiWhitespaceIsTrimmedAndOnlyAsciiLettersFold() {
    assertThat(Identity.parse("email", "\t KATE@Example.COM\r\n\f").subject()).isEqualTo("kate@example.com");
    assertThat(Identity.parse("email", "JÖRG@example.com").subject()).as("Ö is not an ASCII letter: it stays")
        .isEqualTo("jÖrg@example.com");
    assertThat(Identity.parse("email", "jörg@example.com")).isNotEqualTo(Identity.parse("email", "JÖRG@example.com"));
  }

  @Test
  @DisplayName("the Kelvin sign is not k: it never lands on kate's identity")
  void kelvinSignIsNotK() {
    assertThatThrownBy(() -> Identity.parse("email", "\u212Aate@example.com"))
        .isInstanceOf(InvalidIdentityException.class);
    assertThatThrownBy(() -> Identity.parse("email", "\u212Aate@example.com".toUpperCase(Locale.ROOT)))
        .isInstanceOf(InvalidIdentityException.class);
  }

  @Test
  @DisplayName("U+2C2F, which PostgreSQL's lower() maps and Java 17 does not know, is rejected or kept as it is")
  void aCharacterOnlyPostgresqlLowerCasesIsNeverFolded() {
    String capital = "\u2C2Fa@example.com";
    String small = "\u2C5Fa@example.com";
    try {
      Identity parsed = Identity.parse("email", capital);
      assertThat(parsed.subject()).isEqualTo(capital);
      assertThat(parsed).isNotEqualTo(Identity.parse("email", small));
    } catch (InvalidIdentityException e) {
      assertThat(Character.getType(0x2C2F)).as("rejected only where this JDK does not know it")
          .isEqualTo((int) Character.UNASSIGNED);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "NUL in the local part|a\\u0000b@example.com",
      "NUL before the address|\\u0000kate@example.com",
      "NUL in the domain|kate@exa\\u0000mple.com",
      "another C0 control|ka\\u0001te@example.com",
      "DEL|kate\\u007f@example.com",
      "a C1 control (NEL)|kate\\u0085@example.com",
      "vertical tab around it|\\u000bkate@example.com",
      "a lone high surrogate|\\ud800@example.com",
      "a lone low surrogate|\\udc00kate@example.com",
      "a reversed surrogate pair|ka\\udc00\\ud800te@example.com",
      "a high surrogate at the end of the local part|kate\\udbff@example.com",
      "a zero-width space|ka\\u200bte@example.com",
      "a zero-width joiner|ka\\u200dte@example.com",
      "a zero-width non-joiner|ka\\u200cte@example.com",
      "a word joiner|ka\\u2060te@example.com",
      "a byte-order mark|\\ufeffkate@example.com",
      "a soft hyphen|ka\\u00adte@example.com",
      "a zero-width space in the domain|kate@exam\\u200bple.com",
      "an invisible Hangul filler|ka\\u3164te@example.com",
      "a variation selector|kate\\ufe0f@example.com",
      "NBSP around it|\\u00a0kate@example.com\\u00a0",
      "NBSP inside|kate\\u00a0@example.com",
      "an ideographic space|\\u3000kate@example.com",
      "an en space|kate@example.com\\u2002",
      "a line separator|kate\\u2028@example.com",
      "right-to-left override|\\u202ekate@example.com",
      "left-to-right override|ka\\u202dte@example.com",
      "a right-to-left isolate|kate\\u2067@example.com",
      "a right-to-left mark|kate\\u200f@example.com",
      "the replacement character|ka\\ufffdte@example.com",
      "a noncharacter|kate\\uffff@example.com",
      "a decomposed local part (not NFC)|ju\\u0308rg@example.com",
      "the Ohm sign|\\u2126mega@example.com",
      "the Angstrom sign|\\u212Bngstrom@example.com",
      "a non-ASCII capital in the domain (IDNA would map it)|kate@M\\u00dcNCHEN.de",
      "sharp s in the domain (IDNA 2003 maps it to ss)|kate@stra\\u00dfe.de",
      "a fullwidth letter in the domain|kate@\\uff45xample.com",
      "an ideographic full stop in the domain|kate@example\\u3002com",
      "a fullwidth full stop in the domain|kate@example\\uff0ecom",
      "an underscore in the domain|kate@exa_mple.com",
      "a label starting with a hyphen|kate@-example.com",
      "an A-label that does not decode|kate@xn--zz.de",
      "an empty A-label|kate@xn--.de",
      "a label over 63 characters|kate@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
  })
  void invisibleControlSpaceAndLookalikeCharactersAreRejected(String why, String escaped) {
    String subject = unescape(escaped);
    assertThatThrownBy(() -> Identity.parse("email", subject)).as(why)
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessageContaining("identity");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "fullwidth digits|\\uff11\\uff12\\uff13",
      "Arabic-Indic digits|\\u0661\\u0662\\u0663",
      "Extended Arabic-Indic digits|\\u06f1\\u06f2",
      "Devanagari digits|\\u0967\\u0968",
      "mixed ASCII and fullwidth|12\\uff13",
      "NUL before the id|\\u000042",
      "a control after the id|42\\u0001",
      "NBSP around the id|\\u00a042",
      "a zero-width space inside|4\\u200b2",
      "a plus sign|+42",
      "an id that does not fit 64 bits|9223372036854775808",
  })
  void telegramIdsAreAsciiDigitsOnly(String why, String escaped) {
    String subject = unescape(escaped);
    assertThatThrownBy(() -> Identity.parse("telegram", subject)).as(why)
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessageContaining("identity");
  }

  @Test
  void telegramIdsAreTrimmedOfAsciiWhitespaceOnly() {
    assertThat(Identity.parse("telegram", "\t42\r\n").subject()).isEqualTo("42");
    assertThat(Identity.parse("telegram", "9223372036854775807").subject()).isEqualTo("9223372036854775807");
  }

  @Test
  @DisplayName("an internationalised domain has one form: münchen.de and xn--mnchen-3ya.de are one identity")
  void anInternationalisedDomainIsStoredAsItsALabel() {
    Identity unicode = Identity.parse("email", "kate@münchen.de");

    assertThat(unicode.subject()).isEqualTo("kate@xn--mnchen-3ya.de");
    assertThat(Identity.parse("email", "kate@xn--mnchen-3ya.de")).isEqualTo(unicode);
    assertThat(Identity.parse("email", "Kate@XN--MNCHEN-3YA.DE")).isEqualTo(unicode);
    assertThat(Identity.parse("email", "KATE@München.DE")).isEqualTo(unicode);
    assertThat(Identity.parse("email", "kate@sub.münchen.de").subject()).isEqualTo("kate@sub.xn--mnchen-3ya.de");
    assertThat(Identity.parse("email", "kate@xn--mnchen-3ya.xn--p1ai").subject()).isEqualTo("kate@xn--mnchen-3ya.xn--p1ai");
    assertThat(Identity.parse("email", "kate@münchen.рф").subject()).isEqualTo("kate@xn--mnchen-3ya.xn--p1ai");
  }

  @Test
  void aUnicodeLocalPartStaysAsItIs() {
    assertThat(Identity.parse("email", "用户@例子.广告").subject()).isEqualTo("用户@xn--fsqu00a.xn--4rr70v");
    assertThat(Identity.parse("email", "Jürg@example.com").subject()).isEqualTo("jürg@example.com");
    assertThat(Identity.parse("email", "\uD835\uDC00lpha@example.com").subject()).as("a supplementary character, paired")
        .isEqualTo("\uD835\uDC00lpha@example.com");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "email| Alice@Example.COM ", "email|kate@münchen.de", "email|JÖRG@xn--mnchen-3ya.de", "telegram| 42 "})
  void normalisingANormalisedSubjectChangesNothing(String kind, String subject) {
    Identity once = Identity.parse(kind, subject);
    assertThat(Identity.parse(kind, once.subject())).isEqualTo(once);
  }

  @Test
  void theStoredFormIsBoundedAfterTheDomainIsConverted() {
    String label = "日本語のドメイン名例です";
    String email = "a".repeat(64) + "@" + String.join(".", Collections.nCopies(6, label)) + ".de";
    assertThat(email.length()).as("the input is short; its A-labels are not").isLessThan(200);
    assertThatThrownBy(() -> Identity.parse("email", email)).isInstanceOf(InvalidIdentityException.class);
  }

  /** Reads the backslash-u escapes of a test's source text (CsvSource keeps them as written). */
  private static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      if (text.startsWith("\\u", i)) {
        out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        out.append(text.charAt(i));
      }
    }
    return out.toString();
  }
}
