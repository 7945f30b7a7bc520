package io.latchkey.client;

import io.latchkey.auth.signature.Ed25519;
import io.latchkey.auth.signature.SignatureBase;
import io.latchkey.auth.signature.SignatureException;
import io.latchkey.auth.signature.SignedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Signs requests of a device-bound session the way latchkey verifies them (RFC 9421, Ed25519): covers
 * {@code "@method" "@target-uri" "authorization"} and, with a body, {@code "content-digest"} (RFC 9530,
 * sha-256), with {@code created}, a random {@code nonce} and {@code alg="ed25519"}. Returns the headers to
 * add to the request. With {@link #signAlone} the signature is the request's only credential (SPEC §6): no
 * bearer token, no {@code "authorization"} covered, the session named in {@code keyid}.
 */
public final class RequestSigner {

  public static final String LABEL = "sig1";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PrivateKey key;

  public RequestSigner(PrivateKey key) {
    this.key = key;
  }

  /** Reads a PKCS#8 private key in PEM form ({@code -----BEGIN PRIVATE KEY-----}), as openssl writes it. */
  public static RequestSigner fromPem(String pem) throws GeneralSecurityException {
    String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(base64);
    return new RequestSigner(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der)));
  }

  /** Signs now, with a fresh random nonce. */
  public Map<String, String> sign(String method, URI uri, String authorization, byte[] body)
      throws GeneralSecurityException {
    return sign(method, uri, authorization, body, Instant.now().getEpochSecond(), randomNonce());
  }

  /**
   * @param authorization the whole Authorization header value ({@code Bearer lk_…})
   * @param body the body to send, or {@code null}/empty for none
   * @return Signature-Input, Signature and (with a body) Content-Digest, in that order
   */
  public Map<String, String> sign(String method, URI uri, String authorization, byte[] body, long created,
      String nonce) throws GeneralSecurityException {
    return sign(method, uri, authorization, null, body, created, nonce);
  }

  /** Signs now, with a fresh random nonce, for a request with no bearer token: the session in {@code keyid}. */
  public Map<String, String> signAlone(String method, URI uri, String sessionId, byte[] body)
      throws GeneralSecurityException {
    return signAlone(method, uri, sessionId, body, Instant.now().getEpochSecond(), randomNonce());
  }

  /**
   * @param sessionId the device-bound session's id, which names the session instead of a token
   * @param body the body to send, or {@code null}/empty for none
   * @return Signature-Input (with {@code keyid}), Signature and (with a body) Content-Digest, in that order
   */
  public Map<String, String> signAlone(String method, URI uri, String sessionId, byte[] body, long created,
      String nonce) throws GeneralSecurityException {
    return sign(method, uri, null, sessionId, body, created, nonce);
  }

  private Map<String, String> sign(String method, URI uri, String authorization, String keyId, byte[] body,
      long created, String nonce) throws GeneralSecurityException {
    boolean hasBody = body != null && body.length > 0;
    String digest = hasBody
        ? "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body)) + ":"
        : null;
    String components = "(\"@method\" \"@target-uri\"" + (authorization != null ? " \"authorization\"" : "")
        + (hasBody ? " \"content-digest\")" : ")");
    String params = components + ";created=" + created + ";nonce=\"" + nonce + "\""
        + (keyId != null ? ";keyid=\"" + keyId + "\"" : "") + ";alg=\"ed25519\"";
    String base;
    try {
      base = SignatureBase.of(new Outgoing(method, uri, authorization, digest), params);
    } catch (SignatureException e) {
      throw new GeneralSecurityException("cannot sign this request: " + e.getMessage());
    }
    byte[] signature = Ed25519.sign(key, base.getBytes(StandardCharsets.UTF_8));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Signature-Input", LABEL + "=" + params);
    headers.put("Signature", LABEL + "=:" + Base64.getEncoder().encodeToString(signature) + ":");
    if (digest != null) {
      headers.put("Content-Digest", digest);
    }
    return headers;
  }

  private static String randomNonce() {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
  }

  /** The request about to be sent, as the signature base sees it. */
  private record Outgoing(String method, URI uri, String authorization, String contentDigest) implements SignedRequest {

    @Override
    public String method() {
      return method.toUpperCase(Locale.ROOT);
    }

    @Override
    public String targetUri() {
      return scheme() + "://" + authority() + path() + (query() == null ? "" : "?" + query());
    }

    @Override
    public String authority() {
      return uri.getRawAuthority().toLowerCase(Locale.ROOT);
    }

    @Override
    public String scheme() {
      return uri.getScheme().toLowerCase(Locale.ROOT);
    }

    @Override
    public String path() {
      return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    }

    @Override
    public String query() {
      return uri.getRawQuery();
    }

    @Override
    public List<String> header(String name) {
      return switch (name) {
        case "authorization" -> authorization == null ? List.of() : List.of(authorization);
        case "content-digest" -> contentDigest == null ? List.of() : List.of(contentDigest);
        default -> List.of();
      };
    }
  }
}
