package io.latchkey.auth.signature;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint;

/**
 * Ed25519 (RFC 8032) on raw 32-byte public keys, the form sessions store. Public keys are checked and
 * decoded, and signatures verified, with BouncyCastle's {@code org.bouncycastle.math.ec.rfc8032.Ed25519}
 * (about ten times faster than the JDK's verification); signing, the client's side, uses the JDK's
 * provider. Also the RFC 7638 thumbprint of a public key.
 */
public final class Ed25519 {

  public static final int KEY_BYTES = 32;
  public static final int SIGNATURE_BYTES = 64;
  /** DER prefix of a PKCS#8 PrivateKeyInfo for Ed25519, before the raw 32-byte seed. */
  private static final byte[] PKCS8_PREFIX = hex("302e020100300506032b657004220420");

  /** A public key that passed {@link #verifyingKey}'s checks, decoded once for every verification. */
  public static final class VerifyingKey {

    private final PublicPoint point;

    private VerifyingKey(PublicPoint point) {
      this.point = point;
    }
  }

  private Ed25519() {}

  /**
   * The one check of a client public key as it arrives (a session create, a login, any later way): standard
   * base64 of 32 bytes that {@link #verifyingKey} accepts. Every entry path calls this, so no key that
   * could let anyone forge a signature is ever stored.
   *
   * @return the raw 32 bytes
   * @throws InvalidKeyException saying what is wrong with {@code client_public_key} (never quoting it)
   */
  public static byte[] clientPublicKey(String base64) throws InvalidKeyException {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException("'client_public_key' must be standard base64.");
    }
    if (raw.length != KEY_BYTES) {
      throw new InvalidKeyException("'client_public_key' must encode a raw 32-byte Ed25519 public key.");
    }
    verifyingKey(raw);
    return raw;
  }

  /**
   * Decodes a raw public key after BouncyCastle's {@code validatePublicKeyFull}, which refuses: an
   * encoding whose y is not below p (non-canonical); the eight points of small order whatever their sign
   * bit (y = 1: the identity; y = p - 1: order 2; y = 0: order 4; the two y of the order-8 points); a y with
   * no x on the curve, and x = 0 with the sign bit set; and any point outside the prime-order subgroup
   * ([L]A is not the identity: a small-order component added to a real key). Its
   * {@code validatePublicKeyPartial} would skip only that last check. Keys made from a private key always pass.
   *
   * @throws InvalidKeyException if the key is refused
   */
  public static VerifyingKey verifyingKey(byte[] raw) throws InvalidKeyException {
    PublicPoint point = raw.length == KEY_BYTES
        ? org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFullExport(raw, 0)
        : null;
    if (point == null) {
      throw new InvalidKeyException("'client_public_key' is not a valid Ed25519 public key: it must be the "
          + "canonical encoding of a point of the curve's prime-order subgroup (small-order points are refused).");
    }
    return new VerifyingKey(point);
  }

  /**
   * RFC 8032 §5.1.7 verification (without the cofactor; R and S must be canonical, S below L).
   */
  public static boolean verify(VerifyingKey key, byte[] message, byte[] signature) {
    return signature.length == SIGNATURE_BYTES
        && org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, key.point, message, 0, message.length);
  }

  /** Verifies with a JDK key, whose raw bytes are checked like any client key's (refused: {@code false}). */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      return verify(verifyingKey(raw(key)), message, signature);
    } catch (InvalidKeyException e) {
      return false;
    }
  }

  /** A private key from its 32-byte seed (the "secret key" of RFC 8032). */
  public static PrivateKey privateKeyFromSeed(byte[] seed) throws GeneralSecurityException {
    return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
  }

  /** The raw 32 bytes of a JDK Ed25519 public key. */
  public static byte[] raw(PublicKey key) {
    byte[] encoded = key.getEncoded();
    return Arrays.copyOfRange(encoded, encoded.length - KEY_BYTES, encoded.length);
  }

  public static byte[] sign(PrivateKey key, byte[] message) throws GeneralSecurityException {
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(key);
    signer.update(message);
    return signer.sign();
  }

  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 public key (RFC 8037 OKP form). */
  public static String thumbprint(byte[] raw) {
    String jwk = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\""
        + Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + "\"}";
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(jwk.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] hex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
