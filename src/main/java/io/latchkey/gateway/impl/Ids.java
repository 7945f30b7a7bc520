package io.latchkey.gateway.impl;

import java.util.Locale;

/** Session and account ids as latchkey writes them: canonical lower-case UUIDs, so cache keys and events meet. */
final class Ids {

  private Ids() {}

  /** The canonical form of a UUID string, or {@code null} when the text is not one (nothing to ask latchkey). */
  static String canonical(String text) {
    if (text == null || text.length() != 36) {
      return null;
    }
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : Character.digit(c, 16) < 0 || c > 'f') {
        return null;
      }
    }
    return text.toLowerCase(Locale.ROOT);
  }
}
