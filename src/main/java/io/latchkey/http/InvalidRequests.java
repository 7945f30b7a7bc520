package io.latchkey.http;

import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers requests the HTTP decoder could not parse, before any router sees them (Vert.x's default
 * answers with an empty body): a request line over {@code HTTP_MAX_INITIAL_LINE_BYTES} is 414, a header
 * section over {@code HTTP_MAX_HEADER_BYTES} 431, anything else malformed 400; each as problem+json with
 * the security headers, and the connection is closed (what follows on it cannot be trusted to be framed
 * right).
 */
final class InvalidRequests implements Handler<HttpServerRequest> {

  private final int maxInitialLineBytes;
  private final int maxHeaderBytes;

  InvalidRequests(int maxInitialLineBytes, int maxHeaderBytes) {
    this.maxInitialLineBytes = maxInitialLineBytes;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Problem problem = problemOf(request.decoderResult().cause());
    HttpServerResponse response = request.response();
    if (!response.headWritten()) {
      SecurityHeaders.apply(response.headers());
      response.setStatusCode(problem.status())
          .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE)
          .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
          .end(problem.toJson().toBuffer());
    }
    request.connection().close();
  }

  Problem problemOf(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return Problem.ofStatus(414, "The request line is longer than " + maxInitialLineBytes + " bytes.");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Problem.ofStatus(431, "The request headers are larger than " + maxHeaderBytes + " bytes in all.");
    }
    if (cause instanceof ContentLengthNotAllowedException) {
      return Problem.ofStatus(400, "A request must not carry both Content-Length and Transfer-Encoding.");
    }
    if (cause instanceof TransferEncodingNotAllowedException) {
      return Problem.ofStatus(400, "Transfer-Encoding needs HTTP/1.1.");
    }
    return Problem.ofStatus(400, "The request is not well-formed HTTP.");
  }
}
