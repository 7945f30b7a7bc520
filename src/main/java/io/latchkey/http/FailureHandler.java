package io.latchkey.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single failure handler: every failed routing context becomes an RFC 9457 problem+json response.
 * A 401 carries {@code WWW-Authenticate: Bearer} ({@code Basic} first where a route accepts it) and counts against the client address's failed
 * authentications; a 503 carries a {@code Retry-After}. Unexpected exceptions are logged here with their
 * stack trace and answered with a bare 500; the trace never leaves the server.
 */
final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
  private static final String READING_BODY = "latchkey.reading-body";
  private static final List<String> BASIC_THEN_BEARER = List.of("Basic realm=\"latchkey\"", "Bearer realm=\"latchkey\"");

  /** Brackets the body handler: a failure between the two is the request stream's (the client's), not a bug. */
  static void readingBody(RoutingContext ctx) {
    ctx.put(READING_BODY, true);
    ctx.next();
  }

  static void bodyRead(RoutingContext ctx) {
    ctx.remove(READING_BODY);
    ctx.next();
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    Problem problem = failure != null ? Problems.forFailure(failure) : Problems.forStatus(ctx.statusCode(), null);
    if (problem == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      // vertx-web rejected the request itself, with a client error (an HTTP/1.1 request without a Host, say)
      problem = Problems.forStatus(ctx.statusCode(), null);
    }
    if (problem == null && Boolean.TRUE.equals(ctx.get(READING_BODY))) {
      // the body could not be read: a broken chunked encoding, or the client went away in the middle
      LOG.debug("Request body unreadable on {} {}", ctx.request().method(), ctx.request().path(), failure);
      problem = Problem.ofStatus(400, "The request body could not be read.");
    }
    if (problem == null) {
      // the raw path: normalising it can fail too, and a failure handler that throws never answers
      LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      problem = Problem.ofStatus(500, "The server could not complete the request.");
    }
    if (problem.status() == 415 && Guards.isOAuthEndpoint(ctx)) {
      problem = Problem.ofStatus(415, "The request body must be application/x-www-form-urlencoded or application/json.");
    }
    if (Guards.isOAuthEndpoint(ctx) && (problem.status() == 400 || problem.status() == 401)) {
      // the error code RFC 6749 §5.2 answers with, which RFC 7662 §2.3 and RFC 7009 §2.2.1 refer to
      problem = problem.with("error", problem.status() == 401 ? "invalid_client" : "invalid_request");
    }
    if (problem.status() == 401 && Guards.isOAuthEndpoint(ctx)) {
      // RFC 7662 §2.1 / RFC 6749 §5.2: challenge the scheme OAuth clients authenticate with; Bearer works too
      ctx.response().putHeader("WWW-Authenticate", BASIC_THEN_BEARER);
    } else if (problem.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"latchkey\"");
    } else if (problem.status() == 503) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
    }
    problem.send(ctx);
  }
}
