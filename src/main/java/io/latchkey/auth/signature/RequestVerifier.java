package io.latchkey.auth.signature;

import io.latchkey.auth.signature.SignatureException.Reason;
import io.latchkey.auth.signature.StructuredFields.InnerList;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies the latchkey profile of RFC 9421 HTTP Message Signatures on a request of a device-bound
 * session (the profile is spelled out in the README):
 * <ul>
 *   <li>{@code Signature-Input} and {@code Signature} dictionaries; the first {@code Signature-Input}
 *       member is the one verified, and {@code Signature} must carry the same label;</li>
 *   <li>covered components include {@code "@method"}, {@code "@target-uri"} (or both {@code "@path"} and
 *       {@code "@query"}), {@code "authorization"} (unless the signature is the only credential: signature
 *       alone, {@code keyid} and no token), and {@code "content-digest"} when there is a body; each must be
 *       one the request {@linkplain SignedRequest#shows shows};</li>
 *   <li>parameters {@code created} (integer, within the allowed skew of now) and {@code nonce} (string,
 *       1-{@value #NONCE_MAX} characters, never reused by the session within the window) are required;
 *       {@code alg}, if present, is {@code "ed25519"}; {@code expires}, if present, is an integer in the
 *       future; {@code keyid}, if present (and it must be, for signature alone), is the session's id; any
 *       other parameter, and any parameter
 *       on a covered component ({@code ;sf}, {@code ;bs}, {@code ;req}, {@code ;key}, ...), is refused
 *       as malformed rather than ignored;</li>
 *   <li>{@code Content-Digest} (RFC 9530) has a {@code sha-256} member equal to the body's SHA-256;</li>
 *   <li>the signature is Ed25519 over the signature base, with the session's key.</li>
 * </ul>
 */
public final class RequestVerifier {

  /** Longest nonce accepted: 128 characters is 96 random bytes in base64, far more than a nonce needs. */
  public static final int NONCE_MAX = 128;
  private static final Set<String> PARAMETERS = Set.of("created", "nonce", "alg", "expires", "keyid");

  private final Duration maxSkew;
  private final ReplayCache replays;
  private final Clock clock;

  public RequestVerifier(Duration maxSkew, ReplayCache replays, Clock clock) {
    this.maxSkew = maxSkew;
    this.replays = replays;
    this.clock = clock;
  }

  /**
   * Verifies a request that carries the session's bearer token as well.
   *
   * @param body the request body (empty array when none)
   * @param publicKey the session's Ed25519 key
   * @throws SignatureException naming why the request is rejected
   */
  public void verify(SignedRequest request, byte[] body, Ed25519.VerifyingKey publicKey, String sessionId)
      throws SignatureException {
    verify(request, body, publicKey, sessionId, false);
  }

  /**
   * @param body the request body (empty array when none)
   * @param publicKey the session's Ed25519 key
   * @param signatureAlone whether the signature is the request's only credential ({@code keyid}, no bearer
   *     token): then it need not cover {@code authorization}, and must name the session in {@code keyid}
   * @throws SignatureException naming why the request is rejected
   */
  public void verify(SignedRequest request, byte[] body, Ed25519.VerifyingKey publicKey, String sessionId,
      boolean signatureAlone) throws SignatureException {
    List<String> inputs = request.header("signature-input");
    List<String> signatures = request.header("signature");
    if (inputs.isEmpty() && signatures.isEmpty()) {
      throw new SignatureException(Reason.MISSING);
    }
    if (inputs.size() != 1 || signatures.size() != 1) {
      throw new SignatureException(Reason.MALFORMED, "Send exactly one Signature-Input and one Signature header.");
    }
    Map.Entry<String, InnerList> input = StructuredFields.innerListDictionary(inputs.get(0)).entrySet().iterator().next();
    byte[] signature = StructuredFields.byteSequenceDictionary(signatures.get(0)).get(input.getKey());
    if (signature == null) {
      throw new SignatureException(Reason.MALFORMED, "Signature has no member labelled '" + input.getKey() + "'.");
    }
    InnerList params = input.getValue();
    String nonce = checkParameters(params, sessionId, signatureAlone);
    checkCoverage(params.items(), body.length > 0, signatureAlone);
    for (String component : params.items()) {
      if (!request.shows(component)) {
        throw new SignatureException(Reason.UNCHECKABLE, "The covered component cannot be checked here: "
            + StructuredFields.quote(component));
      }
    }
    checkDigest(request, body, params.items().contains("content-digest"));

    byte[] base = SignatureBase.build(request, params).getBytes(StandardCharsets.UTF_8);
    if (!Ed25519.verify(publicKey, base, signature)) {
      throw new SignatureException(Reason.INVALID);
    }
    // only a verified signature may spend a nonce, or anyone could burn a session's nonces
    if (!replays.firstUse(sessionId, nonce)) {
      throw new SignatureException(Reason.REPLAYED);
    }
  }

  /**
   * The {@code keyid} of a request's signature (the parameter of the first {@code Signature-Input} member, the
   * one verified), or {@code null} when it has none: who a request that carries no token claims to be.
   *
   * @param inputs the request's {@code Signature-Input} header values
   * @throws SignatureException if there is not exactly one such header, it does not parse, or its keyid is
   *     not a string
   */
  public static String keyId(List<String> inputs) throws SignatureException {
    if (inputs.size() != 1) {
      throw new SignatureException(Reason.MALFORMED, "Send exactly one Signature-Input and one Signature header.");
    }
    Object keyid = StructuredFields.innerListDictionary(inputs.get(0)).values().iterator().next().params().get("keyid");
    if (keyid != null && !(keyid instanceof String)) {
      throw new SignatureException(Reason.MALFORMED, "'keyid' must be a string.");
    }
    return (String) keyid;
  }

  private String checkParameters(InnerList params, String sessionId, boolean signatureAlone)
      throws SignatureException {
    for (String name : params.params().keySet()) {
      if (!PARAMETERS.contains(name)) {
        throw new SignatureException(Reason.MALFORMED, "Unsupported signature parameter: " + name);
      }
    }
    Object created = params.params().get("created");
    Object nonce = params.params().get("nonce");
    Object alg = params.params().get("alg");
    Object expires = params.params().get("expires");
    Object keyid = params.params().get("keyid");
    if (!(created instanceof Long createdAt)) {
      throw new SignatureException(Reason.MALFORMED, "The signature needs an integer 'created' parameter.");
    }
    if (!(nonce instanceof String n) || n.isEmpty() || n.length() > NONCE_MAX) {
      throw new SignatureException(Reason.MALFORMED,
          "The signature needs a 'nonce' parameter (1-" + NONCE_MAX + " characters).");
    }
    if (alg != null && !"ed25519".equals(alg)) {
      throw new SignatureException(Reason.MALFORMED, "The only supported 'alg' is \"ed25519\".");
    }
    if (expires != null && !(expires instanceof Long)) {
      throw new SignatureException(Reason.MALFORMED, "'expires' must be an integer.");
    }
    if (keyid != null && !sessionId.equals(keyid)) {
      throw new SignatureException(Reason.MALFORMED, "'keyid', if given, must be the session's id.");
    }
    if (keyid == null && signatureAlone) {
      throw new SignatureException(Reason.MALFORMED, "A request without a bearer token names its session in 'keyid'.");
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - createdAt) > maxSkew.toSeconds()) {
      throw new SignatureException(Reason.STALE);
    }
    if (expires instanceof Long e && e <= now) {
      throw new SignatureException(Reason.STALE, "The signature has expired.");
    }
    return n;
  }

  private static void checkCoverage(List<String> covered, boolean hasBody, boolean signatureAlone)
      throws SignatureException {
    boolean target = covered.contains("@target-uri") || (covered.contains("@path") && covered.contains("@query"));
    if (signatureAlone && (!covered.contains("@method") || !target)) {
      throw new SignatureException(Reason.MALFORMED,
          "The signature must cover \"@method\" and \"@target-uri\" (or \"@path\" and \"@query\").");
    }
    if (!signatureAlone && (!covered.contains("@method") || !target || !covered.contains("authorization"))) {
      throw new SignatureException(Reason.MALFORMED,
          "The signature must cover \"@method\", \"@target-uri\" (or \"@path\" and \"@query\") and \"authorization\".");
    }
    if (hasBody && !covered.contains("content-digest")) {
      throw new SignatureException(Reason.MALFORMED, "A request with a body must cover \"content-digest\".");
    }
  }

  private static void checkDigest(SignedRequest request, byte[] body, boolean covered) throws SignatureException {
    List<String> digests = request.header("content-digest");
    if (digests.isEmpty()) {
      if (covered) {
        throw new SignatureException(Reason.MALFORMED, "A covered header is missing from the request: content-digest");
      }
      return;
    }
    byte[] claimed = StructuredFields.byteSequenceDictionary(String.join(", ", digests)).get("sha-256");
    if (claimed == null) {
      throw new SignatureException(Reason.MALFORMED, "Content-Digest needs a sha-256 member.");
    }
    if (!MessageDigest.isEqual(claimed, sha256(body))) {
      throw new SignatureException(Reason.DIGEST_MISMATCH);
    }
  }

  static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
