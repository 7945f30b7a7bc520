package io.latchkey.account;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A normalised identity: an email address trimmed and lower-cased, or a Telegram user id (a positive
 * integer). Only {@link #parse} builds one from input, so every instance is valid and comparable.
 */
public record Identity(IdentityKind kind, String subject) {

  /** One @, something before it, a dotted domain after it, no spaces: the checks a login form would do. */
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");
  private static final int EMAIL_MAX = 254;

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
    String email = raw.trim().toLowerCase(Locale.ROOT);
    if (email.length() > EMAIL_MAX || !EMAIL.matcher(email).matches()) {
      throw new InvalidIdentityException("identity subject is not a valid email address");
    }
    return email;
  }

  private static String telegram(String raw) {
    String id = raw.trim();
    long value;
    try {
      value = Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new InvalidIdentityException("a telegram identity is a positive numeric user id");
    }
    if (value <= 0 || !id.equals(Long.toString(value))) {
      throw new InvalidIdentityException("a telegram identity is a positive numeric user id");
    }
    return id;
  }
}
