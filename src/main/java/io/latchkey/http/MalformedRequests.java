package io.latchkey.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers requests whose target is not a URI at all, or whose framing is ambiguous, before any router sees
 * them, with the same problem+json as every other error: a path or query with a broken %-escape (vertx-web
 * fails inside its routing on such a path, and every handler that reads a query parameter, its own
 * authorisation handler included, throws on such a query), and a transfer coding other than one
 * {@code chunked} (RFC 9112 §6.1: a proxy in front may frame such a request otherwise, so the connection is
 * closed after the answer). What the HTTP decoder cannot parse, Content-Length together with
 * Transfer-Encoding included, is {@link InvalidRequests}' job.
 *
 * <p>Also a forward-auth path with dot-segments after its prefix ({@code /api/v1/user/auth/../../public/ping}):
 * Envoy appends the original path to the prefix as it came, the router resolves dot-segments (%-encoded
 * ones too) before it matches, and such a check request would reach another route, possibly an
 * unauthenticated one, whose 200 the proxy would take for "allowed".
 */
final class MalformedRequests {

  private MalformedRequests() {}

  /** Passes a request on to {@code router} only if its path and query are URI parts (RFC 3986: every % starts %XX). */
  static Handler<HttpServerRequest> beforeRouting(Handler<HttpServerRequest> router) {
    return request -> {
      String coding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
      if (coding != null && !chunkedAlone(request, coding)) {
        refuse(request, Problem.ofStatus(400, "The only transfer coding accepted is a single 'chunked', without "
            + "Content-Length."));
        return;
      }
      String path = request.path();
      if (path != null && path.startsWith(ForwardedRequest.PREFIX) && hasDotSegment(path, ForwardedRequest.PREFIX.length())) {
        Problem problem = Problem.named("forwarded-request-malformed", 400, "Malformed forwarded request",
            "The original path below " + ForwardedRequest.PREFIX + " has dot-segments: let the proxy normalise paths.");
        send(request, problem).end(problem.toJson().toBuffer());
        return;
      }
      if (escapesWellFormed(path) && escapesWellFormed(request.query())) {
        router.handle(request);
        return;
      }
      Problem problem = Problem.ofStatus(400, "The request target is malformed: a % must start a %XX escape.");
      send(request, problem).end(problem.toJson().toBuffer());
    };
  }

  private static boolean chunkedAlone(HttpServerRequest request, String coding) {
    return coding.trim().equalsIgnoreCase("chunked") && request.headers().getAll(HttpHeaders.TRANSFER_ENCODING).size() == 1
        && !request.headers().contains(HttpHeaders.CONTENT_LENGTH);
  }

  /** Answers {@code problem} and closes the connection: what else the client sent on it cannot be trusted. */
  static void refuse(HttpServerRequest request, Problem problem) {
    send(request, problem).putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE).end(problem.toJson().toBuffer());
    request.connection().close();
  }

  private static HttpServerResponse send(HttpServerRequest request, Problem problem) {
    SecurityHeaders.apply(request.response().headers());
    return request.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE);
  }

  /** Whether a segment of {@code path} after {@code from} is {@code .} or {@code ..}, a dot also as {@code %2e}. */
  static boolean hasDotSegment(String path, int from) {
    int start = from;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      String segment = path.substring(start, end).replace("%2e", ".").replace("%2E", ".");
      if (segment.equals(".") || segment.equals("..")) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  static boolean escapesWellFormed(String path) {
    if (path == null) {
      return true;
    }
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 3)) {
      if (i + 2 >= path.length() || !hex(path.charAt(i + 1)) || !hex(path.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
