package io.latchkey.auth.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
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
      PublicKey key = Ed25519.publicKey(Ed25519.hex(v[1]));
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
    assertThat(Ed25519.verify(Ed25519.publicKey(raw), message, Ed25519.sign(pair.getPrivate(), message))).isTrue();
    KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThat(Ed25519.verify(Ed25519.publicKey(Ed25519.raw(other.getPublic())), message,
        Ed25519.sign(pair.getPrivate(), message))).isFalse();
  }

  @Test
  void thumbprintMatchesRfc8037AppendixA3() {
    byte[] x = Base64.getUrlDecoder().decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");

    assertThat(Ed25519.thumbprint(x)).isEqualTo("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  }
}
