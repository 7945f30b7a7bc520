package io.latchkey.auth.signature;

import io.latchkey.auth.signature.SignatureException.Reason;
import io.latchkey.auth.signature.StructuredFields.InnerList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The RFC 9421 §2.5 signature base: one line per covered component, then {@code @signature-params}. */
public final class SignatureBase {

  private SignatureBase() {}

  /**
   * The base for a request and a serialised signature-params inner list ({@code ("@method" …);created=…}),
   * as the client signer computes it; the verifier builds the same from the parsed header.
   */
  public static String of(SignedRequest request, String signatureParams) throws SignatureException {
    return build(request, StructuredFields.innerListDictionary("sig=" + signatureParams).get("sig"));
  }

  static String build(SignedRequest request, InnerList signatureParams) throws SignatureException {
    StringBuilder base = new StringBuilder();
    Set<String> seen = new HashSet<>();
    for (String component : signatureParams.items()) {
      if (!seen.add(component)) {
        throw new SignatureException(Reason.MALFORMED, "A component is covered twice: " + component);
      }
      base.append(StructuredFields.quote(component)).append(": ").append(value(request, component)).append('\n');
    }
    return base.append("\"@signature-params\": ").append(signatureParams.serialize()).toString();
  }

  private static String value(SignedRequest request, String component) throws SignatureException {
    switch (component) {
      case "@method":
        return request.method();
      case "@target-uri":
        return request.targetUri();
      case "@authority":
        return request.authority();
      case "@scheme":
        return request.scheme();
      case "@path":
        return request.path();
      case "@query":
        return "?" + (request.query() == null ? "" : request.query());
      case "@request-target":
        return request.requestTarget();
      default:
        break;
    }
    if (component.startsWith("@") || !component.equals(component.toLowerCase(Locale.ROOT))) {
      throw new SignatureException(Reason.MALFORMED, "Unsupported covered component: " + component);
    }
    List<String> values = request.header(component);
    if (values.isEmpty()) {
      throw new SignatureException(Reason.MALFORMED, "A covered header is missing from the request: " + component);
    }
    StringBuilder joined = new StringBuilder();
    for (String v : values) {
      if (joined.length() > 0) {
        joined.append(", ");
      }
      joined.append(v.strip());
    }
    return joined.toString();
  }
}
