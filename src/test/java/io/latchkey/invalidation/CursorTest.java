package io.latchkey.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CursorTest {

  @Test
  void encodesToOneTextAndBack() {
    Cursor cursor = new Cursor(-7_431_242_132L, 1_234_567L, 89L);
    String text = cursor.encode();

    assertThat(text).hasSize(Cursor.LENGTH).matches("[A-Za-z0-9_-]+");
    assertThat(Cursor.parse(text)).isEqualTo(cursor);
  }

  @Test
  void ordersByTransactionThenSequence() {
    Cursor head = Cursor.head(1, 100);

    assertThat(new Cursor(1, 99, 5_000).compareTo(head)).isNegative();
    assertThat(new Cursor(1, 100, 1).isAfter(head)).isTrue();
    assertThat(new Cursor(1, 100, 2).isAfter(new Cursor(1, 100, 1))).isTrue();
    assertThat(Cursor.max(head, new Cursor(1, 99, 7))).isEqualTo(head);
  }

  @Test
  void refusesAnythingItDidNotWrite() {
    String good = new Cursor(1, 2, 3).encode();
    char last = good.charAt(good.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    String lowBitsSet = good.substring(0, good.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | 3);
    String version2 = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ByteBuffer.allocate(25).put((byte) 2).putLong(1).putLong(2).putLong(3).array());
    String negative = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ByteBuffer.allocate(25).put((byte) 1).putLong(1).putLong(-2).putLong(3).array());

    for (String bad : new String[] {null, "", good.substring(1), good + "A", good + "=", lowBitsSet, version2, negative,
        good.substring(0, 33) + "+", good.substring(0, 33) + "/", " " + good.substring(1)}) {
      assertThatThrownBy(() -> Cursor.parse(bad)).as(String.valueOf(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
