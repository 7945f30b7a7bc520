package io.latchkey.auth.signature;

import java.util.List;

/**
 * What an RFC 9421 signature can cover, read from one request: the server reads it from the incoming
 * request, the client signer from the request it is about to send. Both sides derive the signature base
 * from this one description, so they cannot disagree on a component's value.
 */
public interface SignedRequest {

  /** {@code @method}: upper-case. */
  String method();

  /** {@code @target-uri}: {@code scheme://authority/path?query}, as the client addressed it. */
  String targetUri();

  /** {@code @authority}: lower-case host[:port]. */
  String authority();

  /** {@code @scheme}: lower-case. */
  String scheme();

  /** {@code @path}: the raw (still percent-encoded) path. */
  String path();

  /** The raw query without its {@code ?}, or {@code null} when there is none. */
  String query();

  /** {@code @request-target}: path and query as sent. */
  default String requestTarget() {
    return query() == null ? path() : path() + "?" + query();
  }

  /** Every value of a header field (by lower-case name), in order; empty when absent. */
  List<String> header(String name);

  /**
   * Whether this request can show a covered component as the client sent it. Always, for a request read
   * as it arrived; not for what stood between the client and this view of its request and changed or
   * dropped it (forward auth: a body the proxy did not forward, the headers it sets itself). A signature
   * covering such a component cannot be checked, so it is refused, never taken as verified.
   */
  default boolean shows(String component) {
    return true;
  }
}
