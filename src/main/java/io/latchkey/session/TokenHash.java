package io.latchkey.session;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * The SHA-256 of a session token, the only form in which a token is stored or used as a key. Held as
 * four longs rather than a byte array: a smaller, cheaper cache key with a well-mixed hash code.
 */
public final class TokenHash {

  public static final int LENGTH = 32;

  private final long a;
  private final long b;
  private final long c;
  private final long d;

  private TokenHash(long a, long b, long c, long d) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** Wraps an existing 32-byte SHA-256 digest. */
  public static TokenHash of(byte[] digest) {
    if (digest.length != LENGTH) {
      throw new IllegalArgumentException("a token hash is 32 bytes, got " + digest.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(digest);
    return new TokenHash(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
  }

  /**
   * Parses the base64url form used in event-bus messages.
   *
   * @throws IllegalArgumentException if it is not base64url of exactly 32 bytes
   */
  public static TokenHash fromBase64(String encoded) {
    return of(Base64.getUrlDecoder().decode(encoded));
  }

  public String toBase64() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes());
  }

  public byte[] bytes() {
    return ByteBuffer.allocate(LENGTH).putLong(a).putLong(b).putLong(c).putLong(d).array();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TokenHash h && a == h.a && b == h.b && c == h.c && d == h.d;
  }

  @Override
  public int hashCode() {
    // the digest is uniformly random already; any 32 of its bits are a good hash
    return (int) a;
  }

  @Override
  public String toString() {
    return "TokenHash[redacted]";
  }
}
