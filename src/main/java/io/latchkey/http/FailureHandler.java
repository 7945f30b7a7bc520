package io.latchkey.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single failure handler: turns every failed routing context into a problem+json response.
 * Unexpected exceptions are logged here with their stack trace and answered with a bare 500; the trace
 * never leaves the server.
 */
final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure instanceof ProblemException problem) {
      problem.problem().send(ctx);
    } else if (failure == null && status >= 400 && status < 500) {
      Problem.ofStatus(status, detailFor(status)).send(ctx);
    } else {
      LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
      Problem.ofStatus(500, "The server could not complete the request.").send(ctx);
    }
  }

  private static String detailFor(int status) {
    return switch (status) {
      case 404 -> "No such resource.";
      case 405 -> "The resource does not support this method.";
      case 413 -> "The request body is too large.";
      default -> "The request was rejected.";
    };
  }
}
