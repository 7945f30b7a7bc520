package io.latchkey.http;

import io.latchkey.telemetry.RequestTiming;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Declares a tier's routes, each named after its template ({@code GET /api/v1/user/sessions/{id}}) for
 * the request-timing middleware, the metrics and the server span.
 */
final class Routes {

  private final Router router;
  private final String prefix;

  Routes(Router router, String prefix) {
    this.router = router;
    this.prefix = prefix;
  }

  Route get(String path, Handler<RoutingContext> action) {
    return add(HttpMethod.GET, path, action);
  }

  Route post(String path, Handler<RoutingContext> action) {
    return add(HttpMethod.POST, path, action);
  }

  Route delete(String path, Handler<RoutingContext> action) {
    return add(HttpMethod.DELETE, path, action);
  }

  private Route add(HttpMethod method, String path, Handler<RoutingContext> action) {
    String template = method.name() + " " + prefix + path.replaceAll(":([a-z_]+)", "{$1}");
    return router.route(method, path).handler(RequestTiming.route(template)).handler(action);
  }
}
