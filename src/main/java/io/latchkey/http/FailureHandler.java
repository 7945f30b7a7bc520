package io.latchkey.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single failure handler: every failed routing context becomes an RFC 9457 problem+json response.
 * A 401 carries {@code WWW-Authenticate: Bearer} and counts against the client address's failed
 * authentications; a 503 carries a {@code Retry-After}. Unexpected exceptions are logged here with their
 * stack trace and answered with a bare 500; the trace never leaves the server.
 */
final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  private final RateLimitGuard limits;

  FailureHandler(RateLimitGuard limits) {
    this.limits = limits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    Problem problem = failure != null ? Problems.forFailure(failure) : Problems.forStatus(ctx.statusCode(), null);
    if (problem == null) {
      LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
      problem = Problem.ofStatus(500, "The server could not complete the request.");
    }
    if (problem.status() == 401) {
      limits.authenticationFailed(ctx);
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"latchkey\"");
    } else if (problem.status() == 503) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
    }
    problem.send(ctx);
  }
}
