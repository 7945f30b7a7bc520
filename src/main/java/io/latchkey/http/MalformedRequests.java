package io.latchkey.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers requests that are not HTTP a router can work with, before any router sees them, with the same
 * problem+json as every other error: what the HTTP/1.x decoder could not parse (Vert.x's own answer would
 * have an empty body).
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

  private static HttpServerResponse send(HttpServerRequest request, Problem problem) {
    return request.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE);
  }
}
