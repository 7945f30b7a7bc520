package io.latchkey.auth.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ed25519Test {

  /** RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte). */
  private static final String[][] RFC8032 = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
          "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
          "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
  };

  @Test
  void verifiesTheRfc8032TestVectors() throws Exception {
    for (String[] v : RFC8032) {
      Ed25519.VerifyingKey key = Ed25519.verifyingKey(Ed25519.hex(v[1]));
      byte[] message = Ed25519.hex(v[2]);
      byte[] signature = Ed25519.hex(v[3]);

      assertThat(Ed25519.verify(key, message, signature)).isTrue();
      signature[0] ^= 1;
      assertThat(Ed25519.verify(key, message, signature)).isFalse();
    }
  }

  @Test
  void signsTheRfc8032TestVectorsFromTheirSeeds() throws Exception {
    for (String[] v : RFC8032) {
      PrivateKey key = Ed25519.privateKeyFromSeed(Ed25519.hex(v[0]));

      assertThat(Ed25519.sign(key, Ed25519.hex(v[2]))).isEqualTo(Ed25519.hex(v[3]));
    }
  }

  @Test
  void rawKeysOfJdkGeneratedPairsRoundTrip() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] message = "GET /api/v1/user/me".getBytes(StandardCharsets.UTF_8);

    byte[] raw = Ed25519.raw(pair.getPublic());

    assertThat(raw).hasSize(32);
    assertThat(Ed25519.verify(Ed25519.verifyingKey(raw), message, Ed25519.sign(pair.getPrivate(), message))).isTrue();
    assertThat(Ed25519.verify(pair.getPublic(), message, Ed25519.sign(pair.getPrivate(), message))).isTrue();
    KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThat(Ed25519.verify(Ed25519.verifyingKey(Ed25519.raw(other.getPublic())), message,
        Ed25519.sign(pair.getPrivate(), message))).isFalse();
  }

  @Test
  void theEightSmallOrderPointsAreDerivedRight() {
    List<Edwards25519.Point> points = Edwards25519.smallOrderPoints();

    assertThat(points).doesNotHaveDuplicates().hasSize(8).allSatisfy(p -> {
      assertThat(Edwards25519.onCurve(p)).isTrue();
      assertThat(Edwards25519.times(8, p)).isEqualTo(Edwards25519.IDENTITY);
    });
    // the same eight encodings libsodium's has_small_order and Chalkias et al. (2020) list
    assertThat(Edwards25519.smallOrderEncodings()).extracting(HexFormat.of()::formatHex).containsExactlyInAnyOrder(
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85");
  }

  @Test
  void everySmallOrderPointIsRefused() {
    Edwards25519.smallOrderEncodings().forEach(Ed25519Test::assertRefused);
  }

  @Test
  void encodingsOfNoCurvePointAreRefused() {
    for (String hex : new String[] {"ff".repeat(31) + "7f", "02" + "00".repeat(31), "ff".repeat(32)}) {
      byte[] raw = HexFormat.of().parseHex(hex);
      assertThat(Edwards25519.decode(raw)).as(hex).isNull();

      assertRefused(raw);
    }
  }

  @Test
  void nonCanonicalEncodingsAreRefused() {
    // y = p + k (k = 0..18) fits in 255 bits and names the same y as k: never the canonical encoding
    for (int k = 0; k < 19; k++) {
      for (int sign = 0; sign < 2; sign++) {
        byte[] raw = Edwards25519.littleEndian(Edwards25519.P.add(BigInteger.valueOf(k)));
        raw[31] |= (byte) (sign << 7);

        assertRefused(raw);
      }
    }
  }

  @Test
  void aRealKeyWithASmallOrderComponentIsRefused() throws Exception {
    byte[] real = Ed25519.raw(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
    Edwards25519.Point a = Edwards25519.decode(real);
    assertThat(Edwards25519.encode(a)).isEqualTo(real);
    Ed25519.verifyingKey(real);

    for (Edwards25519.Point torsion : Edwards25519.smallOrderPoints()) {
      if (!torsion.equals(Edwards25519.IDENTITY)) {
        assertRefused(Edwards25519.encode(Edwards25519.add(a, torsion)));
      }
    }
  }

  @Test
  void keysMadeFromPrivateKeysAreAccepted() throws Exception {
    for (String[] v : RFC8032) {
      assertThat(Ed25519.clientPublicKey(Base64.getEncoder().encodeToString(Ed25519.hex(v[1]))))
          .isEqualTo(Ed25519.hex(v[1]));
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
    for (int i = 0; i < 64; i++) {
      byte[] raw = Ed25519.raw(generator.generateKeyPair().getPublic());
      assertThat(Ed25519.clientPublicKey(Base64.getEncoder().encodeToString(raw))).isEqualTo(raw);
    }
  }

  @Test
  void aClientKeyNotBase64OrNot32BytesSaysSo() {
    assertThatThrownBy(() -> Ed25519.clientPublicKey("not base64!")).isInstanceOf(InvalidKeyException.class)
        .hasMessage("'client_public_key' must be standard base64.");
    assertThatThrownBy(() -> Ed25519.clientPublicKey(Base64.getEncoder().encodeToString(new byte[31])))
        .isInstanceOf(InvalidKeyException.class).hasMessageContaining("raw 32-byte");
    assertThatThrownBy(() -> Ed25519.verifyingKey(new byte[33])).isInstanceOf(InvalidKeyException.class);
  }

  private static void assertRefused(byte[] raw) {
    String hex = HexFormat.of().formatHex(raw);
    assertThatThrownBy(() -> Ed25519.verifyingKey(raw)).as(hex).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> Ed25519.clientPublicKey(Base64.getEncoder().encodeToString(raw))).as(hex)
        .isInstanceOf(InvalidKeyException.class).hasMessageContaining("not a valid Ed25519 public key");
  }

  @Test
  void theForgeryRIdentitySZeroVerifiesWithNoKeyFromBeforeTheFix() throws Exception {
    byte[] forged = new byte[64];
    forged[0] = 1; // R = the identity point (0, 1), S = 0: [S]B = R + [k]A holds whenever [k]A is the identity
    KeyFactory factory = KeyFactory.getInstance("Ed25519");
    for (byte[] raw : Edwards25519.smallOrderEncodings()) {
      // a key as the JDK takes it, the way a session created before keys were validated holds it
      PublicKey key = factory.generatePublic(new X509EncodedKeySpec(Ed25519.hex("302a300506032b6570032100" + HexFormat.of().formatHex(raw))));
      for (int m = 0; m < 8; m++) {
        byte[] message = ("GET /api/v1/user/me " + m).getBytes(StandardCharsets.UTF_8);
        assertThat(Ed25519.verify(key, message, forged)).as("key %s, message %d", HexFormat.of().formatHex(raw), m).isFalse();
      }
    }
  }

  @Test
  void thumbprintMatchesRfc8037AppendixA3() {
    byte[] x = Base64.getUrlDecoder().decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");

    assertThat(Ed25519.thumbprint(x)).isEqualTo("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  }
}
