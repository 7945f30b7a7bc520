package io.latchkey.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * One family of API keys (internal or admin), checked in constant time: the presented key and every
 * configured key are compared as SHA-256 digests with {@link MessageDigest#isEqual}, and every configured
 * key is compared, so neither a key's content nor its length nor its position shows in the timing. An
 * empty family matches nothing.
 */
public final class ApiKeys {

  /** Keys shorter than this are refused at start-up: they would be guessable. */
  public static final int MIN_LENGTH = 16;

  private final List<byte[]> digests;

  private ApiKeys(List<byte[]> digests) {
    this.digests = digests;
  }

  /**
   * Parses a comma-separated list; blanks around and between keys are ignored.
   *
   * @throws ConfigException naming {@code setting} if a key is shorter than {@link #MIN_LENGTH}
   */
  public static ApiKeys parse(String setting, String commaSeparated) {
    List<byte[]> digests = new ArrayList<>();
    if (commaSeparated != null) {
      for (String key : commaSeparated.split(",")) {
        String trimmed = key.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        if (trimmed.length() < MIN_LENGTH) {
          throw new ConfigException(setting + " keys must be at least " + MIN_LENGTH + " characters long");
        }
        digests.add(digest(trimmed));
      }
    }
    return new ApiKeys(List.copyOf(digests));
  }

  public boolean isEmpty() {
    return digests.isEmpty();
  }

  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    byte[] candidate = digest(presented);
    boolean match = false;
    for (byte[] key : digests) {
      match |= MessageDigest.isEqual(key, candidate);
    }
    return match;
  }

  /** Whether the two families share a key (a configuration mistake that would blur the tiers). */
  public boolean overlaps(ApiKeys other) {
    for (byte[] key : digests) {
      for (byte[] theirs : other.digests) {
        if (MessageDigest.isEqual(key, theirs)) {
          return true;
        }
      }
    }
    return false;
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "ApiKeys[" + digests.size() + " key(s)]";
  }
}
