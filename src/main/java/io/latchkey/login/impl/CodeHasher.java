package io.latchkey.login.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What is stored of an email code: HMAC-SHA-256 under the node's code secret of the challenge id and the
 * code. A code has only a million values, so an unkeyed hash (even salted with the challenge id) is
 * reversed by anyone who reads the row, in well under a second; keyed with a secret that is not in the
 * database, a copy of the database (a backup, a read-only leak) gives no code away.
 */
final class CodeHasher {

  private final SecretKeySpec key;

  CodeHasher(byte[] secret) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  byte[] hash(UUID challengeId, String code) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(ByteBuffer.allocate(16)
          .putLong(challengeId.getMostSignificantBits()).putLong(challengeId.getLeastSignificantBits()).array());
      return mac.doFinal(code.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }
}
