package io.latchkey.session;

/**
 * The rule for a session's device label, in one place: the HTTP tier checks it where a label arrives (a
 * precise 400) and the session verticle where it stores one, so PostgreSQL never refuses a label the service
 * accepted.
 *
 * <p>A label is at most {@value #MAX_LENGTH} characters, counted as code points (as PostgreSQL's
 * {@code length()} counts them). Refused: unpaired surrogates (they have no UTF-8 form), controls (C0 with
 * NUL, DEL, C1), line and paragraph separators, and the bidi controls (a label is shown back to its user in
 * the session list, where an override could make it read as another). Other format characters stay: the
 * zero-width joiner of emoji sequences and the non-joiners some scripts need.
 */
public final class DeviceLabel {

  public static final int MAX_LENGTH = 200;

  private DeviceLabel() {}

  /** What is wrong with the label, or null when it is acceptable. */
  public static String problem(String label) {
    if (label.length() > 2 * MAX_LENGTH) {
      return "must be at most " + MAX_LENGTH + " characters";
    }
    int length = 0;
    for (int i = 0; i < label.length(); length++) {
      int c = label.codePointAt(i);
      switch (Character.getType(c)) {
        case Character.SURROGATE -> {
          return "contains an unpaired surrogate";
        }
        case Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> {
          return "contains a control character or a line break";
        }
        default -> {
          if (bidiControl(c)) {
            return "contains a bidi control character";
          }
        }
      }
      i += Character.charCount(c);
    }
    return length > MAX_LENGTH ? "must be at most " + MAX_LENGTH + " characters" : null;
  }

  /** Unicode's Bidi_Control characters: ALM, LRM, RLM, the embeddings and overrides, the isolates. */
  private static boolean bidiControl(int c) {
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
  }
}
