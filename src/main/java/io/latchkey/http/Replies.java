package io.latchkey.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Ends a request with the outcome of an event-bus call: a JSON body on success, the failure handler otherwise. */
final class Replies {

  /** The content type of a JSON answer, as {@code RoutingContext.json} sets it. */
  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private Replies() {}

  static <T> void json(RoutingContext ctx, int status, Future<T> outcome, Function<T, JsonObject> shape) {
    outcome.onComplete(result -> {
      JsonObject body;
      try {
        body = shape.apply(result);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      ctx.response().setStatusCode(status);
      ctx.json(body);
    }, ctx::fail);
  }

  static void noContent(RoutingContext ctx, Future<?> outcome) {
    outcome.onComplete(result -> ctx.response().setStatusCode(204).end(), ctx::fail);
  }
}
