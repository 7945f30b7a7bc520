package io.latchkey.auth.signature;

/** A request signature was rejected; {@link #reason()} names why, for the 401 problem. */
public final class SignatureException extends Exception {

  /** Why a signature is rejected; each is its own problem type. */
  public enum Reason {
    MISSING("signature-missing", "The session is bound to a device key: sign the request (Signature-Input, Signature)."),
    MALFORMED("signature-malformed", "The request signature headers are malformed or incomplete."),
    INVALID("signature-invalid", "The signature does not verify with the session's key (wrong key, or a covered component changed)."),
    DIGEST_MISMATCH("digest-mismatch", "Content-Digest does not match the request body."),
    STALE("signature-stale", "The signature's created time is outside the allowed clock skew."),
    REPLAYED("signature-replayed", "This signature's nonce was already used for this session."),
    UNCHECKABLE("signature-uncheckable", "The signature covers a component this request cannot show as the client "
        + "sent it (behind forward auth: a body the proxy did not forward, or a header the proxy sets itself).");

    private final String type;
    private final String detail;

    Reason(String type, String detail) {
      this.type = type;
      this.detail = detail;
    }

    public String type() {
      return type;
    }

    public String detail() {
      return detail;
    }
  }

  private final Reason reason;

  public SignatureException(Reason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public SignatureException(Reason reason) {
    this(reason, reason.detail());
  }

  public Reason reason() {
    return reason;
  }
}
