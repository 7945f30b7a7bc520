package io.latchkey.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers requests that are not HTTP a router can work with, before any router sees them, with the same
 * problem+json as every other error: what the HTTP/1.x decoder could not parse (Vert.x's own answer would
 * have an empty body), and request targets that are not URIs at all: a path or query with a broken
 * %-escape (vertx-web fails inside its routing on such a path, and every handler that reads a query
 * parameter, its own authorisation handler included, throws on such a query).
 */
final class MalformedRequests {

  private MalformedRequests() {}

  /**
   * For {@code HttpServer.invalidRequestHandler}: the status Vert.x would pick (414, 431, else 400). The
   * connection is closed afterwards: nothing that follows on it can be trusted to be framed.
   */
  static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = Problem.ofStatus(414, "The request line is too long.");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = Problem.ofStatus(431, "The request headers are too large.");
    } else {
      problem = Problem.ofStatus(400, "The request is not well-formed HTTP.");
    }
    send(request, problem).putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(problem.toJson().toBuffer())
        .onComplete(sent -> request.connection().close());
  }

  /** Passes a request on to {@code router} only if its path and query are URI parts (RFC 3986: every % starts %XX). */
  static Handler<HttpServerRequest> beforeRouting(Handler<HttpServerRequest> router) {
    return request -> {
      if (escapesWellFormed(request.path()) && escapesWellFormed(request.query())) {
        router.handle(request);
        return;
      }
      Problem problem = Problem.ofStatus(400, "The request target is malformed: a % must start a %XX escape.");
      send(request, problem).end(problem.toJson().toBuffer());
    };
  }

  private static HttpServerResponse send(HttpServerRequest request, Problem problem) {
    return request.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE);
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
