package io.latchkey.auth.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.auth.signature.SignatureException.Reason;
import io.latchkey.client.RequestSigner;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verifier against requests made by the project's own client signer, with a fixed clock. */
class RequestVerifierTest {

  private static final long NOW = 1_795_000_000L;
  private static final String AUTHORIZATION = "Bearer lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  private static final URI ME = URI.create("http://127.0.0.1:8080/api/v1/user/me?x=1");

  private final KeyPair device = generate();
  private final Ed25519.VerifyingKey deviceKey = verifyingKey(device);
  private final RequestSigner signer = new RequestSigner(device.getPrivate());
  private final RequestVerifier verifier = new RequestVerifier(Duration.ofSeconds(60),
      ReplayCache.create(Duration.ofSeconds(60), 10_000), Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  @Test
  void aSignedGetVerifies() throws Exception {
    Request request = Request.of("GET", ME, signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n-1"), null);

    assertThatCode(() -> verifier.verify(request, request.body, deviceKey, "s1")).doesNotThrowAnyException();
  }

  @Test
  void aSignedPostWithABodyVerifies() throws Exception {
    byte[] body = "{\"device\":\"phone\"}".getBytes(StandardCharsets.UTF_8);
    Request request = Request.of("POST", ME, signer.sign("POST", ME, AUTHORIZATION, body, NOW, "n-2"), body);

    assertThat(request.header("content-digest")).hasSize(1);
    assertThatCode(() -> verifier.verify(request, body, deviceKey, "s1")).doesNotThrowAnyException();
  }

  @Test
  void noSignatureIsMissing() {
    assertRejected(Request.of("GET", ME, Map.of(), null), Reason.MISSING);
  }

  @Test
  void garbageHeadersAreMalformed() throws Exception {
    Map<String, String> headers = new HashMap<>(signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n-3"));
    for (String garbage : new String[] {"sig1", "sig1=(", "sig1=(@method)", "sig1=(\"@method\";created=1", "=x", ""}) {
      headers.put("Signature-Input", garbage);
      assertRejected(Request.of("GET", ME, headers, null), Reason.MALFORMED);
    }
    headers = new HashMap<>(signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n-4"));
    headers.put("Signature", "sig1=:not base64!:");
    assertRejected(Request.of("GET", ME, headers, null), Reason.MALFORMED);
    headers.put("Signature", "other=:AAAA:");
    assertRejected(Request.of("GET", ME, headers, null), Reason.MALFORMED);
  }

  @Test
  void aSignatureThatCoversTooLittleIsMalformed() throws Exception {
    String base = "(\"@method\" \"@target-uri\");created=" + NOW + ";nonce=\"n-5\"";
    Map<String, String> headers = new HashMap<>(signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n-5"));
    headers.put("Signature-Input", "sig1=" + base);
    assertRejected(Request.of("GET", ME, headers, null), Reason.MALFORMED);
  }

  @Test
  void aBodyWithoutACoveredDigestIsMalformed() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Request request = Request.of("POST", ME, signer.sign("POST", ME, AUTHORIZATION, null, NOW, "n-6"), body);

    assertRejected(request, Reason.MALFORMED);
  }

  @Test
  void anotherKeyIsInvalid() throws Exception {
    RequestSigner thief = new RequestSigner(generate().getPrivate());
    assertRejected(Request.of("GET", ME, thief.sign("GET", ME, AUTHORIZATION, null, NOW, "n-7"), null), Reason.INVALID);
  }

  @Test
  void aChangedComponentIsInvalid() throws Exception {
    Map<String, String> signed = signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n-8");

    assertRejected(Request.of("GET", URI.create("http://127.0.0.1:8080/api/v1/user/sessions?x=1"), signed, null),
        Reason.INVALID);
    assertRejected(Request.of("DELETE", ME, signed, null), Reason.INVALID);
    assertRejected(Request.of("GET", ME, signed, null, "Bearer lk_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"),
        Reason.INVALID);
  }

  @Test
  void aChangedBodyIsADigestMismatch() throws Exception {
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> signed = signer.sign("POST", ME, AUTHORIZATION, body, NOW, "n-9");

    assertRejected(Request.of("POST", ME, signed, "{\"a\":2}".getBytes(StandardCharsets.UTF_8)), Reason.DIGEST_MISMATCH);
  }

  @Test
  void createdOutsideTheSkewIsStale() throws Exception {
    assertRejected(Request.of("GET", ME, signer.sign("GET", ME, AUTHORIZATION, null, NOW - 61, "n-10"), null),
        Reason.STALE);
    assertRejected(Request.of("GET", ME, signer.sign("GET", ME, AUTHORIZATION, null, NOW + 61, "n-11"), null),
        Reason.STALE);
    Request edge = Request.of("GET", ME, signer.sign("GET", ME, AUTHORIZATION, null, NOW - 60, "n-12"), null);
    assertThatCode(() -> verifier.verify(edge, edge.body, deviceKey, "s1")).doesNotThrowAnyException();
  }

  @Test
  void aReplayedNonceIsRejectedForTheSameSessionOnly() throws Exception {
    Request request = Request.of("GET", ME, signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n-13"), null);
    verifier.verify(request, request.body, deviceKey, "s1");

    assertRejected(request, Reason.REPLAYED);
    assertThatCode(() -> verifier.verify(request, request.body, deviceKey, "s2")).doesNotThrowAnyException();
  }

  @Test
  void anInvalidSignatureDoesNotSpendTheNonce() throws Exception {
    Map<String, String> forged = new RequestSigner(generate().getPrivate()).sign("GET", ME, AUTHORIZATION, null, NOW, "n-14");
    assertRejected(Request.of("GET", ME, forged, null), Reason.INVALID);

    Request genuine = Request.of("GET", ME, signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n-14"), null);
    assertThatCode(() -> verifier.verify(genuine, genuine.body, deviceKey, "s1")).doesNotThrowAnyException();
  }

  @Test
  void pathAndQueryMayStandForTheTargetUri() throws Exception {
    String params = "(\"@method\" \"@path\" \"@query\" \"authorization\");created=" + NOW + ";nonce=\"n-15\"";
    Request unsigned = Request.of("GET", ME, Map.of(), null);
    String base = SignatureBase.of(unsigned, params);
    byte[] signature = Ed25519.sign(device.getPrivate(), base.getBytes(StandardCharsets.UTF_8));
    Request request = Request.of("GET", ME, Map.of("Signature-Input", "sig1=" + params,
        "Signature", "sig1=:" + java.util.Base64.getEncoder().encodeToString(signature) + ":"), null);

    assertThat(base).isEqualTo(String.join("\n",
        "\"@method\": GET",
        "\"@path\": /api/v1/user/me",
        "\"@query\": ?x=1",
        "\"authorization\": " + AUTHORIZATION,
        "\"@signature-params\": " + params));
    assertThatCode(() -> verifier.verify(request, request.body, deviceKey, "s1")).doesNotThrowAnyException();
  }

  @Test
  void componentParametersAreMalformedNotIgnored() throws Exception {
    // each swap leaves a signature that verified when the parser dropped component parameters
    String[][] swaps = {{"\"authorization\"", "\"authorization\";foo"}, {"\"@method\"", "\"@method\";bar=\"x\""},
        {"\"authorization\"", "\"authorization\";sf"}, {"\"authorization\"", "\"authorization\";bs"},
        {"\"@target-uri\"", "\"@target-uri\";req"}, {"\"authorization\"", "\"authorization\";key=\"a\""},
        {"\"@method\"", "\"@method\";name=\"x\""}, {"\"@method\"", "\"@method\";tr"}};
    for (int i = 0; i < swaps.length; i++) {
      Map<String, String> headers = new HashMap<>(signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n-cp-" + i));
      headers.put("Signature-Input", headers.get("Signature-Input").replace(swaps[i][0], swaps[i][1]));

      assertRejected(Request.of("GET", ME, headers, null), Reason.MALFORMED);
    }
  }

  @Test
  void unknownSignatureParametersAreMalformedNotIgnored() throws Exception {
    String[] extras = {";tag=\"t\"", ";foo", ";foo=1", ";keyid=\"another-session\"", ";keyid=1"};
    for (int i = 0; i < extras.length; i++) {
      // a correct signature over a base that carries the parameter
      Request request = signedWith("(\"@method\" \"@target-uri\" \"authorization\");created=" + NOW
          + ";nonce=\"n-up-" + i + "\"" + extras[i]);

      assertRejected(request, Reason.MALFORMED);
    }
  }

  @Test
  void aKeyidNamingTheSessionVerifies() throws Exception {
    Request request = signedWith("(\"@method\" \"@target-uri\" \"authorization\");created=" + NOW
        + ";nonce=\"n-kid\";keyid=\"s1\"");

    assertThatCode(() -> verifier.verify(request, request.body, deviceKey, "s1")).doesNotThrowAnyException();
  }

  @Test
  void parametersOnSignatureOrDigestMembersAreMalformed() throws Exception {
    Map<String, String> headers = new HashMap<>(signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n-mp"));
    headers.put("Signature", headers.get("Signature") + ";x=1");
    assertRejected(Request.of("GET", ME, headers, null), Reason.MALFORMED);

    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    headers = new HashMap<>(signer.sign("POST", ME, AUTHORIZATION, body, NOW, "n-dp"));
    headers.put("Content-Digest", headers.get("Content-Digest") + ";x=1");
    assertRejected(Request.of("POST", ME, headers, body), Reason.MALFORMED);
  }

  @Test
  void aNonceLongerThan128CharactersIsMalformed() throws Exception {
    assertRejected(Request.of("GET", ME, signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n".repeat(129)), null),
        Reason.MALFORMED);

    Request longest = Request.of("GET", ME, signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n".repeat(128)), null);
    assertThatCode(() -> verifier.verify(longest, longest.body, deviceKey, "s1")).doesNotThrowAnyException();
    assertRejected(longest, Reason.REPLAYED);
  }

  /** A request signed by the device over the signature base of {@code params} (a serialised inner list). */
  private Request signedWith(String params) throws Exception {
    String base = SignatureBase.of(Request.of("GET", ME, Map.of(), null), params);
    byte[] signature = Ed25519.sign(device.getPrivate(), base.getBytes(StandardCharsets.UTF_8));
    return Request.of("GET", ME, Map.of("Signature-Input", "sig1=" + params,
        "Signature", "sig1=:" + java.util.Base64.getEncoder().encodeToString(signature) + ":"), null);
  }

  @Test
  void aSignatureAloneVerifiesWithoutCoveringAuthorizationButMustNameItsSession() throws Exception {
    Request alone = Request.of("GET", ME, signer.signAlone("GET", ME, "s1", null, NOW, "n-alone"), null);

    assertThatCode(() -> verifier.verify(alone, alone.body, deviceKey, "s1", true)).doesNotThrowAnyException();
    assertThat(RequestVerifier.keyId(alone.header("signature-input"))).isEqualTo("s1");

    // with a token, the same coverage is too little; and a token's signature names no session
    assertRejected(Request.of("GET", ME, signer.signAlone("GET", ME, "s1", null, NOW, "n-alone-2"), null), Reason.MALFORMED);
    Request bearer = Request.of("GET", ME, signer.sign("GET", ME, AUTHORIZATION, null, NOW, "n-alone-3"), null);
    assertThatThrownBy(() -> verifier.verify(bearer, bearer.body, deviceKey, "s1", true))
        .extracting(e -> ((SignatureException) e).reason()).isEqualTo(Reason.MALFORMED);
    assertThat(RequestVerifier.keyId(bearer.header("signature-input"))).isNull();
    // a keyid naming another session
    Request other = Request.of("GET", ME, signer.signAlone("GET", ME, "s2", null, NOW, "n-alone-4"), null);
    assertThatThrownBy(() -> verifier.verify(other, other.body, deviceKey, "s1", true))
        .extracting(e -> ((SignatureException) e).reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void aSignatureAloneWithABodyMustCoverItsDigest() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Request covered = Request.of("POST", ME, signer.signAlone("POST", ME, "s1", body, NOW, "n-alone-5"), body);
    Request uncovered = Request.of("POST", ME, signer.signAlone("POST", ME, "s1", null, NOW, "n-alone-6"), body);

    assertThatCode(() -> verifier.verify(covered, body, deviceKey, "s1", true)).doesNotThrowAnyException();
    assertThatThrownBy(() -> verifier.verify(uncovered, body, deviceKey, "s1", true))
        .extracting(e -> ((SignatureException) e).reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void aComponentTheRequestCannotShowIsUncheckable() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Request request = Request.of("POST", ME, signer.sign("POST", ME, AUTHORIZATION, body, NOW, "n-hidden"), body);
    SignedRequest withoutBody = new SignedRequest() {
      @Override
      public String method() {
        return request.method();
      }

      @Override
      public String targetUri() {
        return request.targetUri();
      }

      @Override
      public String authority() {
        return request.authority();
      }

      @Override
      public String scheme() {
        return request.scheme();
      }

      @Override
      public String path() {
        return request.path();
      }

      @Override
      public String query() {
        return request.query();
      }

      @Override
      public List<String> header(String name) {
        return request.header(name);
      }

      @Override
      public boolean shows(String component) {
        return !component.equals("content-digest");
      }
    };

    assertThatThrownBy(() -> verifier.verify(withoutBody, new byte[0], deviceKey, "s1"))
        .extracting(e -> ((SignatureException) e).reason()).isEqualTo(Reason.UNCHECKABLE);
  }

  @Test
  void aKeyIdIsReadFromOneWellFormedSignatureInput() {
    assertThatThrownBy(() -> RequestVerifier.keyId(List.of("sig1=();keyid=\"a\"", "sig2=();keyid=\"b\"")))
        .extracting(e -> ((SignatureException) e).reason()).isEqualTo(Reason.MALFORMED);
    assertThatThrownBy(() -> RequestVerifier.keyId(List.of("sig1=(;keyid=\"a\"")))
        .extracting(e -> ((SignatureException) e).reason()).isEqualTo(Reason.MALFORMED);
    assertThatThrownBy(() -> RequestVerifier.keyId(List.of("sig1=();keyid=1")))
        .extracting(e -> ((SignatureException) e).reason()).isEqualTo(Reason.MALFORMED);
  }

  private void assertRejected(Request request, Reason reason) {
    assertThatThrownBy(() -> verifier.verify(request, request.body, deviceKey, "s1"))
        .isInstanceOf(SignatureException.class)
        .extracting(e -> ((SignatureException) e).reason()).isEqualTo(reason);
  }

  private static Ed25519.VerifyingKey verifyingKey(KeyPair pair) {
    try {
      return Ed25519.verifyingKey(Ed25519.raw(pair.getPublic()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A request as the server would see it. */
  private record Request(String method, URI uri, Map<String, String> headers, byte[] body) implements SignedRequest {

    static Request of(String method, URI uri, Map<String, String> signed, byte[] body) {
      return of(method, uri, signed, body, AUTHORIZATION);
    }

    static Request of(String method, URI uri, Map<String, String> signed, byte[] body, String authorization) {
      Map<String, String> headers = new HashMap<>();
      signed.forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
      headers.put("authorization", authorization);
      return new Request(method, uri, headers, body == null ? new byte[0] : body);
    }

    @Override
    public String targetUri() {
      return uri.toString();
    }

    @Override
    public String authority() {
      return uri.getRawAuthority();
    }

    @Override
    public String scheme() {
      return uri.getScheme();
    }

    @Override
    public String path() {
      return uri.getRawPath();
    }

    @Override
    public String query() {
      return uri.getRawQuery();
    }

    @Override
    public List<String> header(String name) {
      String value = headers.get(name);
      return value == null ? List.of() : List.of(value);
    }
  }
}
