package io.latchkey.login.impl;

import io.latchkey.auth.signature.Ed25519;
import io.latchkey.login.LoginException;
import io.latchkey.login.LoginFailure;
import io.latchkey.login.TelegramPayload;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Telegram's own checks, as its documentation gives them:
 *
 * <ul>
 *   <li>login widget: {@code hash} = hex(HMAC-SHA-256(key = SHA-256(bot token), data-check string));</li>
 *   <li>Mini App initData with the bot token: {@code hash} = hex(HMAC-SHA-256(key = HMAC-SHA-256(key =
 *   "WebAppData", bot token), data-check string));</li>
 *   <li>Mini App initData with only the bot id (third-party validation): {@code signature} =
 *   base64url(Ed25519 signature by Telegram's key over {@code "<bot id>:WebAppData\n"} + the data-check
 *   string without {@code hash} and {@code signature}).</li>
 * </ul>
 *
 * The data-check string is every received field but {@code hash} as {@code name=value}, sorted by name,
 * joined with {@code \n}: fields Telegram adds later are covered without a change here.
 */
final class TelegramVerifier {

  /** A payload Telegram signed and that is fresh: what to remember it by, and until when. */
  record Verified(byte[] replayKey, Instant staleAt) {}

  /** How long past its staleness a used payload is remembered: the node clocks of a cluster may differ. */
  static final Duration CLOCK_MARGIN = Duration.ofMinutes(5);

  private final byte[] widgetKey;
  private final byte[] webAppKey;
  private final Long botId;
  private final Ed25519.VerifyingKey telegramKey;
  private final Duration maxAge;
  private final Clock clock;

  TelegramVerifier(Optional<String> botToken, Optional<Long> botId, byte[] telegramPublicKey, Duration maxAge,
      Clock clock) {
    this.widgetKey = botToken.map(token -> sha256(token.getBytes(StandardCharsets.UTF_8))).orElse(null);
    this.webAppKey = botToken.map(token -> hmac("WebAppData".getBytes(StandardCharsets.US_ASCII),
        token.getBytes(StandardCharsets.UTF_8))).orElse(null);
    this.botId = botId.orElse(null);
    try {
      this.telegramKey = Ed25519.verifyingKey(telegramPublicKey);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("TELEGRAM_PUBLIC_KEY is not an Ed25519 public key", e);
    }
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** Whether this node can check payloads from that source at all. */
  boolean available(TelegramPayload.Source source) {
    return switch (source) {
      case WIDGET -> widgetKey != null;
      case INIT_DATA -> webAppKey != null || botId != null;
    };
  }

  /** Checks the signature, then the age. */
  Verified verify(TelegramPayload payload) {
    String signed = switch (payload.source()) {
      case WIDGET -> hashed(payload, widgetKey);
      case INIT_DATA -> webAppKey != null ? hashed(payload, webAppKey) : signed(payload);
    };
    Instant issued = Instant.ofEpochSecond(payload.authDate());
    if (clock.instant().isAfter(issued.plus(maxAge))) {
      throw LoginException.of(LoginFailure.TELEGRAM_STALE,
          "The Telegram data is older than " + maxAge.toSeconds() + " seconds: sign in with Telegram again.");
    }
    byte[] replayKey = sha256((payload.source() + "\n" + signed).getBytes(StandardCharsets.UTF_8));
    return new Verified(replayKey, issued.plus(maxAge).plus(CLOCK_MARGIN));
  }

  /** The data-check string, once its hash verified under the key. */
  private static String hashed(TelegramPayload payload, byte[] key) {
    String dataCheck = payload.dataCheckString(Set.of("hash"));
    byte[] expected = hmac(key, dataCheck.getBytes(StandardCharsets.UTF_8));
    if (!MessageDigest.isEqual(expected, HexFormat.of().parseHex(payload.hash()))) {
      throw invalid();
    }
    return dataCheck;
  }

  /** The Ed25519 message, once Telegram's signature over it verified. */
  private String signed(TelegramPayload payload) {
    String signature = payload.fields().get("signature");
    if (signature == null) {
      throw invalid();
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    String message = botId + ":WebAppData\n" + payload.dataCheckString(Set.of("hash", "signature"));
    if (!Ed25519.verify(telegramKey, message.getBytes(StandardCharsets.UTF_8), raw)) {
      throw invalid();
    }
    return message;
  }

  private static LoginException invalid() {
    return LoginException.of(LoginFailure.TELEGRAM_INVALID, "The Telegram data is not signed by Telegram for this bot.");
  }

  static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
