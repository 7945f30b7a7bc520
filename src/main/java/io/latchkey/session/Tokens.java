package io.latchkey.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session tokens (SPEC §3): {@code lk_} followed by 256 random bits from {@link SecureRandom}, base64url
 * without padding (46 characters in all). The prefix lets secret scanners recognise a leaked token. Only
 * the SHA-256 of the whole token string is ever stored or used as a key.
 */
public final class Tokens {

  public static final String PREFIX = "lk_";
  private static final int RANDOM_BYTES = 32;
  private static final int ENCODED_LENGTH = 43;
  public static final int LENGTH = PREFIX.length() + ENCODED_LENGTH;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Tokens::sha256);
  private static final boolean[] BASE64URL = new boolean[128];

  static {
    for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray()) {
      BASE64URL[c] = true;
    }
  }

  private Tokens() {}

  /** A new token; returned to its owner once and never kept. */
  public static String generate() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return PREFIX + ENCODER.encodeToString(bytes);
  }

  /** Whether {@code candidate} has the shape of a token; anything else is rejected before any lookup. */
  public static boolean wellFormed(CharSequence candidate) {
    if (candidate == null || candidate.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < PREFIX.length(); i++) {
      if (candidate.charAt(i) != PREFIX.charAt(i)) {
        return false;
      }
    }
    for (int i = PREFIX.length(); i < LENGTH; i++) {
      char c = candidate.charAt(i);
      if (c >= BASE64URL.length || !BASE64URL[c]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The hash under which a well-formed token is stored.
   *
   * @throws IllegalArgumentException if the token is not {@link #wellFormed well formed}
   */
  public static TokenHash hash(String token) {
    TokenHash hash = hashIfWellFormed(token);
    if (hash == null) {
      throw new IllegalArgumentException("malformed token");
    }
    return hash;
  }

  /** The hash of {@code candidate} if it is a well-formed token, else {@code null}: the lookup's one check. */
  public static TokenHash hashIfWellFormed(String candidate) {
    if (!wellFormed(candidate)) {
      return null;
    }
    MessageDigest digest = SHA256.get();
    digest.reset();
    return TokenHash.of(digest.digest(candidate.getBytes(StandardCharsets.US_ASCII)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
