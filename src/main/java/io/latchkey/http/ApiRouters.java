package io.latchkey.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * One router per API tier, mounted under {@code /api/v1/<tier>/}. Each tier's guards (authentication,
 * then authorisation) chain first on its router, then input validation, then the action.
 */
final class ApiRouters {

  static final String VERSION = ApiRouters.class.getPackage().getImplementationVersion() != null
      ? ApiRouters.class.getPackage().getImplementationVersion()
      : "dev";

  private ApiRouters() {}

  /** No credentials: what a client needs before it has a session. */
  static Router publicTier(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/ping").handler(ApiRouters::ping);
    return router;
  }

  /** Bearer session token (user routes arrive with the session verticle's lookup API). */
  static Router userTier(Vertx vertx) {
    return Router.router(vertx);
  }

  /** Trusted services holding an internal key. */
  static Router internalTier(Vertx vertx) {
    return Router.router(vertx);
  }

  /** Operators holding an admin key. */
  static Router adminTier(Vertx vertx) {
    return Router.router(vertx);
  }

  private static void ping(RoutingContext ctx) {
    ctx.json(new JsonObject().put("service", "latchkey").put("version", VERSION).put("status", "ok"));
  }
}
