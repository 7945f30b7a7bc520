package io.latchkey.account;

import io.vertx.core.json.JsonObject;
import java.net.IDN;
import java.text.Normalizer;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A normalised identity: an email address or a Telegram user id. Only {@link #parse} builds one from input,
 * so every instance is valid, comparable, and acceptable to the database's checks.
 *
 * <p><b>The identity rule</b> (SPEC §2): two inputs are the same identity only if they differ in surrounding
 * ASCII whitespace (tab, line feed, form feed, carriage return, space) or in the case of ASCII letters; an
 * internationalised domain is the same identity in its Unicode form and its A-label. Nothing else folds:
 * input that some other normalisation (Unicode case mapping, NFC/NFKC, IDNA mapping) would turn into a
 * different string is rejected, not mapped. So are unpaired surrogates, controls, format characters
 * (zero-width, bidi), other invisible characters, non-ASCII spaces, U+FFFD and code points this JDK's
 * Unicode version does not assign.
 *
 * <ul>
 *   <li>email: {@code local@domain}; the local part may be Unicode (SMTPUTF8) in NFC, only its ASCII letters
 *       fold; the domain is stored as A-labels (IDNA 2003 through {@link IDN}, STD3 host-name rules, no
 *       unassigned code points), and a Unicode label is accepted only when it is exactly what its A-label
 *       decodes to, so IDNA's mappings (upper case, ß to ss, full-width forms, ideographic full stops) are
 *       rejected rather than merged. At most 64 characters before the @, 254 in all, in the stored form.</li>
 *   <li>telegram: a positive user id of ASCII digits without leading zeros that fits a signed 64-bit
 *       integer.</li>
 * </ul>
 */
public record Identity(IdentityKind kind, String subject) {

  private static final Pattern EMAIL = Pattern.compile("([^@\\s]{1,64})@([^@\\s.]+(?:\\.[^@\\s.]+)+)");
  private static final Pattern TELEGRAM = Pattern.compile("[1-9][0-9]{0,18}");
  private static final int EMAIL_MAX = 254;
  /** No work on input far beyond any valid subject. */
  private static final int RAW_MAX = 1024;
  private static final String ACE_PREFIX = "xn--";

  public Identity {
    if (kind == null || subject == null) {
      throw new InvalidIdentityException("an identity needs a kind and a subject");
    }
  }

  /**
   * Normalises and validates a raw kind and subject.
   *
   * @throws InvalidIdentityException naming what is wrong
   */
  public static Identity parse(String kind, String subject) {
    IdentityKind parsed = IdentityKind.fromWire(kind)
        .orElseThrow(() -> new InvalidIdentityException("identity kind must be 'email' or 'telegram'"));
    if (subject == null) {
      throw new InvalidIdentityException("identity subject is required");
    }
    if (subject.length() > RAW_MAX) {
      throw new InvalidIdentityException("identity subject is too long");
    }
    return switch (parsed) {
      case EMAIL -> new Identity(parsed, email(subject));
      case TELEGRAM -> new Identity(parsed, telegram(subject));
    };
  }

  /** Reads {@code {"kind":…,"subject":…}}. */
  public static Identity fromJson(JsonObject json) {
    if (json == null) {
      throw new InvalidIdentityException("identity is required");
    }
    Object kind = json.getValue("kind");
    Object subject = json.getValue("subject");
    if (!(kind instanceof String) || !(subject instanceof String)) {
      throw new InvalidIdentityException("identity kind and subject must be strings");
    }
    return parse((String) kind, (String) subject);
  }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind.wireName()).put("subject", subject);
  }

  private static String email(String raw) {
    String email = asciiLowerCase(visibleText(trimAsciiWhitespace(raw)));
    Matcher parts = EMAIL.matcher(email);
    if (!parts.matches()) {
      throw new InvalidIdentityException("identity subject is not a valid email address");
    }
    String local = parts.group(1);
    if (!Normalizer.isNormalized(local, Normalizer.Form.NFC)) {
      throw new InvalidIdentityException("identity subject must be in Unicode normalisation form C (NFC)");
    }
    String normal = local + "@" + aLabels(parts.group(2));
    if (normal.length() > EMAIL_MAX) {
      throw new InvalidIdentityException("identity subject is longer than " + EMAIL_MAX + " characters");
    }
    return normal;
  }

  private static String telegram(String raw) {
    String id = trimAsciiWhitespace(raw);
    if (!TELEGRAM.matcher(id).matches()) {
      throw new InvalidIdentityException("a telegram identity is a positive numeric user id in ASCII digits");
    }
    try {
      Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new InvalidIdentityException("a telegram identity is a positive numeric user id of at most 64 bits");
    }
    return id;
  }

  /** The domain as A-labels; each label given either as its A-label or as exactly the U-label it decodes to. */
  private static String aLabels(String domain) {
    StringJoiner out = new StringJoiner(".");
    for (String label : domain.split("\\.")) {
      String ascii;
      try {
        ascii = IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        throw new InvalidIdentityException("identity subject has a domain that is not a valid host name");
      }
      String unicode = IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES);
      boolean oneForm = label.equals(ascii)
          ? !ascii.startsWith(ACE_PREFIX) || !unicode.equals(ascii)  // ASCII, or an A-label that decodes
          : unicode.equals(label);  // a U-label IDNA leaves as it is
      if (!oneForm || ascii.indexOf('.') >= 0) {
        throw new InvalidIdentityException(
            "identity subject has a domain label that is neither an A-label nor the exact Unicode form of one");
      }
      out.add(ascii);
    }
    return out.toString();
  }

  private static boolean asciiWhitespace(char c) {
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
  }

  private static String trimAsciiWhitespace(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && asciiWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && asciiWhitespace(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(start, end);
  }

  /** Only A-Z become a-z: no Unicode case mapping (the Kelvin sign is not k). */
  private static String asciiLowerCase(String text) {
    char[] chars = text.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] >= 'A' && chars[i] <= 'Z') {
        chars[i] = (char) (chars[i] + ('a' - 'A'));
      }
    }
    return new String(chars);
  }

  /** The text itself if every character is one a person can see and tell apart from its neighbours. */
  private static String visibleText(String text) {
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      switch (Character.getType(c)) {
        case Character.SURROGATE -> throw new InvalidIdentityException("identity subject contains an unpaired surrogate");
        case Character.CONTROL, Character.FORMAT ->
            throw new InvalidIdentityException("identity subject contains a control or invisible format character");
        case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> {
          if (c != ' ') {
            throw new InvalidIdentityException("identity subject contains a non-ASCII space");
          }
        }
        case Character.UNASSIGNED -> throw new InvalidIdentityException(
            "identity subject contains a code point that is unassigned in this service's Unicode version");
        default -> {
          if (invisible(c)) {
            throw new InvalidIdentityException("identity subject contains an invisible character");
          }
          if (c == 0xFFFD) {
            throw new InvalidIdentityException("identity subject contains U+FFFD, the mark of undecodable input");
          }
        }
      }
      i += Character.charCount(c);
    }
    return text;
  }

  /**
   * Unicode's default-ignorable code points that are neither format characters nor unassigned (those are
   * rejected by category): the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian
   * and other variation selectors.
   */
  private static boolean invisible(int c) {
    return c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5 || (c >= 0x180B && c <= 0x180F)
        || c == 0x3164 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFFA0 || (c >= 0xE0100 && c <= 0xE01EF);
  }
}
