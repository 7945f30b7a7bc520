package io.latchkey.login;

import io.latchkey.auth.signature.Ed25519;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.MessageDigest;

/**
 * Builds signed Telegram payloads in tests, as Telegram does (its documented algorithms; checked against
 * {@link TelegramVectors}, derived outside this code base).
 */
public final class TelegramSigner {

  private TelegramSigner() {}

  /** The login widget's object for these fields, with its hash under the bot token. */
  public static JsonObject widget(String botToken, Map<String, Object> fields) throws GeneralSecurityException {
    JsonObject widget = new JsonObject();
    fields.forEach(widget::put);
    byte[] key = MessageDigest.getInstance("SHA-256").digest(botToken.getBytes(StandardCharsets.UTF_8));
    return widget.put("hash", HexFormat.of().formatHex(hmac(key, dataCheck(fields))));
  }

  /** A Mini App's initData for these fields, hashed under the bot token, every value percent-encoded. */
  public static String initData(String botToken, Map<String, String> fields) throws GeneralSecurityException {
    byte[] key = hmac("WebAppData".getBytes(StandardCharsets.US_ASCII), botToken);
    return query(fields) + "&hash=" + HexFormat.of().formatHex(hmac(key, dataCheck(fields)));
  }

  /** A Mini App's initData signed for third parties with {@code telegramSeed} (the hash is a dummy). */
  public static String initDataSigned(long botId, byte[] telegramSeed, Map<String, String> fields)
      throws GeneralSecurityException {
    String message = botId + ":WebAppData\n" + dataCheck(fields);
    byte[] signature = Ed25519.sign(Ed25519.privateKeyFromSeed(telegramSeed), message.getBytes(StandardCharsets.UTF_8));
    return query(fields) + "&signature=" + Base64.getUrlEncoder().withoutPadding().encodeToString(signature)
        + "&hash=" + "0".repeat(64);
  }

  private static String dataCheck(Map<String, ?> fields) {
    StringJoiner lines = new StringJoiner("\n");
    new TreeMap<>(fields).forEach((name, value) -> lines.add(name + "=" + value));
    return lines.toString();
  }

  private static String query(Map<String, String> fields) {
    StringJoiner query = new StringJoiner("&");
    fields.forEach((name, value) -> query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")));
    return query.toString();
  }

  private static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
  }
}
