package io.latchkey.http;

import io.latchkey.auth.signature.SignedRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The request a reverse proxy asks forward auth about (the original), as its signature base sees it, read
 * from what the proxy says about it:
 * <ul>
 *   <li>method: {@code X-Forwarded-Method} (Traefik, Caddy) or {@code X-Original-Method} (nginx, by
 *       convention); in Envoy's form, the check request's own method;</li>
 *   <li>path and query: {@code X-Forwarded-Uri} or {@code X-Original-URI}; in Envoy's form (the HTTP
 *       {@code ext_authz} service with {@code path_prefix: /api/v1/user/auth}), the check request's path
 *       after that prefix, and its query;</li>
 *   <li>authority: {@code X-Forwarded-Host}, else the check request's {@code Host} (Envoy keeps the original's);
 *       scheme: {@code X-Forwarded-Proto}, else the check request's;</li>
 *   <li>headers: the check request's (the proxies pass the client's on), except those through which the
 *       proxy describes the original ({@code X-Forwarded-*}, {@code X-Original-*}, {@code Forwarded}) and
 *       {@code Content-Length}: a signature covering them cannot be checked; nor can one covering
 *       {@code content-digest} when the proxy forwarded no body (nginx {@code auth_request} never does).</li>
 * </ul>
 * Where a header and Envoy's form both give the method or URI, they must agree. Each header may come once,
 * as a visible-ASCII value: a method must be one HTTP defines (as Vert.x knows them, in upper case), a URI
 * an absolute path with an optional query and well-formed %-escapes, a host an authority, a scheme
 * {@code http} or {@code https}; anything else is 400, since a proxy that sends such values is misconfigured
 * or not a proxy.
 */
final class ForwardedRequest implements SignedRequest {

  /** Where forward auth lives; Envoy appends the original path to it. */
  static final String PREFIX = "/api/v1/user/auth";
  private static final Set<String> METHODS =
      HttpMethod.values().stream().map(HttpMethod::name).collect(Collectors.toUnmodifiableSet());
  private static final String[] FORWARDED_METHOD = {"X-Forwarded-Method", "X-Original-Method"};
  private static final String[] FORWARDED_URI = {"X-Forwarded-Uri", "X-Original-URI"};

  private final String method;
  private final String scheme;
  private final String authority;
  private final String path;
  private final String query;
  private final MultiMap headers;
  private final boolean bodyForwarded;

  private ForwardedRequest(String method, String scheme, String authority, String path, String query,
      MultiMap headers, boolean bodyForwarded) {
    this.method = method;
    this.scheme = scheme;
    this.authority = authority;
    this.path = path;
    this.query = query;
    this.headers = headers;
    this.bodyForwarded = bodyForwarded;
  }

  /**
   * The original request a check request describes, or {@code null} when it does not say which (its
   * method or URI is missing) or comes from a peer that is not a trusted proxy (then nothing it says about
   * the original is read).
   *
   * @param bodyForwarded whether the proxy forwarded the original's body (the check request has one)
   * @throws ProblemException 400 when what it says is malformed or contradicts itself
   */
  static ForwardedRequest of(HttpServerRequest check, boolean trusted, boolean bodyForwarded) {
    if (!trusted) {
      return null;
    }
    MultiMap headers = check.headers();
    String envoyPath = envoyPath(check.path());
    String method = agreeing("method", one(headers, FORWARDED_METHOD[0]), one(headers, FORWARDED_METHOD[1]));
    String uri = agreeing("URI", one(headers, FORWARDED_URI[0]), one(headers, FORWARDED_URI[1]));
    if (envoyPath != null) {
      String envoyUri = check.query() == null ? envoyPath : envoyPath + "?" + check.query();
      method = agreeing("method", method, check.method().name());
      uri = agreeing("URI", uri, envoyUri);
    }
    if (method == null || uri == null) {
      return null;
    }
    if (!METHODS.contains(method)) {
      throw malformed("The forwarded method is not an HTTP method (methods are case-sensitive: GET, POST, ...).");
    }
    if (!uri.startsWith("/") || !MalformedRequests.escapesWellFormed(uri) || uri.indexOf('#') >= 0) {
      throw malformed("The forwarded URI must be the original's absolute path and query (/path?query), "
          + "with well-formed %-escapes and no fragment.");
    }
    int q = uri.indexOf('?');
    return new ForwardedRequest(method, scheme(check, headers), authority(check, headers),
        q < 0 ? uri : uri.substring(0, q), q < 0 ? null : uri.substring(q + 1), headers, bodyForwarded);
  }

  /**
   * The original path in Envoy's form ({@code /api/v1/user/auth/<original path>}), or {@code null} when the
   * check request is for forward auth itself. Dot-segments never get this far: they would have taken the
   * request out of forward auth, and {@link MalformedRequests} refuses them.
   */
  private static String envoyPath(String checkPath) {
    if (checkPath == null || checkPath.length() <= PREFIX.length() || !checkPath.startsWith(PREFIX)) {
      return null;
    }
    String rest = checkPath.substring(PREFIX.length());
    if (rest.charAt(0) != '/') {
      throw malformed("Forward auth is at " + PREFIX + ", or below it for Envoy's path_prefix.");
    }
    return rest;
  }

  /** Two ways of saying one thing: either, or both when they agree; {@code null} when neither says it. */
  private static String agreeing(String what, String one, String other) {
    if (one != null && other != null && !one.equals(other)) {
      throw malformed("The original request's " + what + " is given twice, differently.");
    }
    return one != null ? one : other;
  }

  private static String scheme(HttpServerRequest check, MultiMap headers) {
    String proto = one(headers, "X-Forwarded-Proto");
    if (proto == null) {
      return check.scheme() == null ? "http" : check.scheme().toLowerCase(Locale.ROOT);
    }
    String scheme = proto.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw malformed("X-Forwarded-Proto must be http or https.");
    }
    return scheme;
  }

  private static String authority(HttpServerRequest check, MultiMap headers) {
    String forwarded = one(headers, "X-Forwarded-Host");
    HostAndPort authority = forwarded == null ? check.authority() : HostAndPort.parseAuthority(forwarded, -1);
    if (authority == null) {
      if (forwarded != null) {
        throw malformed("X-Forwarded-Host must be the original's host[:port].");
      }
      return "";
    }
    String host = authority.host().toLowerCase(Locale.ROOT);
    return authority.port() >= 0 ? host + ":" + authority.port() : host;
  }

  /** A header given at most once, as visible ASCII; {@code null} when absent. */
  private static String one(MultiMap headers, String name) {
    List<String> values = headers.getAll(name);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw malformed("Send one " + name + " header, not several.");
    }
    String value = values.get(0).strip();
    if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw malformed(name + " must be one value of visible ASCII characters.");
    }
    return value;
  }

  private static ProblemException malformed(String detail) {
    return new ProblemException(Problem.named("forwarded-request-malformed", 400, "Malformed forwarded request",
        detail));
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String targetUri() {
    return scheme + "://" + authority + requestTarget();
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String query() {
    return query;
  }

  @Override
  public List<String> header(String name) {
    return headers.getAll(name);
  }

  @Override
  public boolean shows(String component) {
    if (component.equals("content-digest")) {
      return bodyForwarded;
    }
    return !component.startsWith("x-forwarded-") && !component.startsWith("x-original-")
        && !component.equals("forwarded") && !component.equals("content-length");
  }
}
