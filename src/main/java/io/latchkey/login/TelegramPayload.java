package io.latchkey.login;

import io.latchkey.account.Identity;
import io.latchkey.account.InvalidIdentityException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a Telegram login sent, read but not yet verified: every field as Telegram signed it (decoded, sorted
 * by name, fields Telegram may add later included), the user it names and when Telegram issued it. Built
 * only by {@link #widget} and {@link #initData}, which reject malformed input with
 * {@link InvalidLoginException}.
 */
public record TelegramPayload(Source source, SortedMap<String, String> fields, Identity user, long authDate) {

  /** Where the payload comes from: the login widget's callback object, or a Mini App's raw initData. */
  public enum Source { WIDGET, INIT_DATA }

  private static final int MAX_FIELDS = 64;
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
  private static final Pattern HEX_HASH = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern AUTH_DATE = Pattern.compile("[1-9][0-9]{0,11}");

  public TelegramPayload {
    fields = Collections.unmodifiableSortedMap(new TreeMap<>(fields));
  }

  /** The login widget's object: {@code id}, {@code auth_date}, {@code hash} and whatever else it returned. */
  public static TelegramPayload widget(JsonObject widget) {
    if (widget.size() > MAX_FIELDS) {
      throw invalid("'widget' has more than " + MAX_FIELDS + " fields.");
    }
    SortedMap<String, String> fields = new TreeMap<>();
    for (Map.Entry<String, Object> field : widget) {
      fields.put(name(field.getKey(), "widget"), widgetValue(field.getKey(), field.getValue()));
    }
    return new TelegramPayload(Source.WIDGET, fields, user(required(fields, "id", "widget")), checked(fields, "widget"));
  }

  /**
   * A Mini App's {@code Telegram.WebApp.initData} exactly as the client had it: a query string whose names
   * and values are percent-decoded one by one (never the whole string first, which would let an encoded
   * {@code &} or {@code =} split a value).
   */
  public static TelegramPayload initData(String initData) {
    if (initData.isEmpty()) {
      throw invalid("'init_data' is empty.");
    }
    SortedMap<String, String> fields = new TreeMap<>();
    String[] pairs = initData.split("&", -1);
    if (pairs.length > MAX_FIELDS) {
      throw invalid("'init_data' has more than " + MAX_FIELDS + " fields.");
    }
    for (String pair : pairs) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw invalid("'init_data' must be a query string of name=value pairs.");
      }
      String name = name(decode(pair.substring(0, equals)), "init_data");
      if (fields.put(name, noNewline(name, decode(pair.substring(equals + 1)), "init_data")) != null) {
        throw invalid("'init_data' has the field '" + name + "' twice.");
      }
    }
    String user = required(fields, "user", "init_data");
    Object id;
    try {
      id = new JsonObject(user).getValue("id");
    } catch (DecodeException | ClassCastException e) {
      throw invalid("The 'user' field of 'init_data' must be a JSON object.");
    }
    if (!(id instanceof Long) && !(id instanceof Integer)) {
      throw invalid("The 'user' field of 'init_data' must carry a numeric 'id'.");
    }
    return new TelegramPayload(Source.INIT_DATA, fields, user(id.toString()), checked(fields, "init_data"));
  }

  /** The {@code hash} field (64 hex digits). */
  public String hash() {
    return fields.get("hash");
  }

  /** Every field but {@code excluded}, as {@code name=value} lines sorted by name and joined with {@code \n}. */
  public String dataCheckString(Set<String> excluded) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      if (excluded.contains(field.getKey())) {
        continue;
      }
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(field.getKey()).append('=').append(field.getValue());
    }
    return out.toString();
  }

  private static long checked(SortedMap<String, String> fields, String where) {
    if (!HEX_HASH.matcher(required(fields, "hash", where)).matches()) {
      throw invalid("The 'hash' of '" + where + "' must be 64 hex digits.");
    }
    String authDate = required(fields, "auth_date", where);
    if (!AUTH_DATE.matcher(authDate).matches()) {
      throw invalid("The 'auth_date' of '" + where + "' must be a Unix time in seconds.");
    }
    return Long.parseLong(authDate);
  }

  private static Identity user(String id) {
    try {
      return Identity.parse("telegram", id);
    } catch (InvalidIdentityException e) {
      throw invalid("The Telegram user id must be a positive integer.");
    }
  }

  private static String required(SortedMap<String, String> fields, String name, String where) {
    String value = fields.get(name);
    if (value == null) {
      throw invalid("'" + where + "' has no '" + name + "' field.");
    }
    return value;
  }

  private static String name(String name, String where) {
    if (!FIELD_NAME.matcher(name).matches()) {
      throw invalid("'" + where + "' has a field name that is not letters, digits and '_'.");
    }
    return name;
  }

  private static String widgetValue(String name, Object value) {
    if (value instanceof String text) {
      return noNewline(name, text, "widget");
    }
    if (value instanceof Integer || value instanceof Long) {
      return value.toString();
    }
    throw invalid("The widget field '" + name + "' must be a string or an integer.");
  }

  /** A line break in a value would let one data-check string stand for two different sets of fields. */
  private static String noNewline(String name, String value, String where) {
    if (value.indexOf('\n') >= 0) {
      throw invalid("The field '" + name + "' of '" + where + "' contains a line break.");
    }
    return value;
  }

  /** application/x-www-form-urlencoded decoding of one name or value; malformed escapes or UTF-8 are refused. */
  private static String decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%') {
        if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
          throw invalid("'init_data' has a broken %-escape.");
        }
        bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isSurrogate(c)) {
          throw invalid("'init_data' must be ASCII with %-escapes.");
        }
        bytes.write(utf8, 0, utf8.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("'init_data' has a %-escaped value that is not UTF-8.");
    }
  }

  private static InvalidLoginException invalid(String message) {
    return new InvalidLoginException(message);
  }
}
