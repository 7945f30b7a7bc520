package io.latchkey.db;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUIDv7 keys (RFC 9562): 48 bits of Unix milliseconds, then random bits. Time-ordered, so new rows land
 * at the right edge of the primary-key index instead of all over it.
 */
public final class Uuid7 {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Uuid7() {}

  public static UUID next() {
    return at(System.currentTimeMillis());
  }

  static UUID at(long epochMillis) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    long high = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16
        | 0x7000L
        | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
    long low = 0x8000_0000_0000_0000L | (random[2] & 0x3FL) << 56;
    for (int i = 3; i < 10; i++) {
      low |= (random[i] & 0xFFL) << (8 * (9 - i));
    }
    return new UUID(high, low);
  }
}
