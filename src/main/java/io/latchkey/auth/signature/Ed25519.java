package io.latchkey.auth.signature;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 with the JDK's own provider, on raw 32-byte keys (the form sessions store): wrapping them in
 * the X.509 / PKCS#8 encodings the JDK expects, and the RFC 7638 thumbprint of a public key.
 */
public final class Ed25519 {

  public static final int KEY_BYTES = 32;
  /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), before the raw key. */
  private static final byte[] X509_PREFIX = hex("302a300506032b6570032100");
  /** DER prefix of a PKCS#8 PrivateKeyInfo for Ed25519, before the raw 32-byte seed. */
  private static final byte[] PKCS8_PREFIX = hex("302e020100300506032b657004220420");

  private Ed25519() {}

  public static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
    if (raw.length != KEY_BYTES) {
      throw new GeneralSecurityException("an Ed25519 public key is 32 bytes");
    }
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, raw)));
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

  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
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
