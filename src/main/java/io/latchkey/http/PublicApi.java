package io.latchkey.http;

import io.latchkey.login.LoginService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/public}: no credentials; what a client needs before it has a session. */
final class PublicApi {

  static final String VERSION = PublicApi.class.getPackage().getImplementationVersion() != null
      ? PublicApi.class.getPackage().getImplementationVersion()
      : "dev";

  private PublicApi() {}

  /** @param logins the node's logins ({@code null}: they answer 503 login-method-unavailable) */
  static Router router(Vertx vertx, Buffer openApi, LoginService logins) {
    Router router = Router.router(vertx);
    Routes routes = new Routes(router, "/api/v1/public");
    routes.get("/ping", PublicApi::ping);
    routes.get("/openapi.json", ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(openApi));
    LoginApi.routes(routes, logins);
    return router;
  }

  private static void ping(RoutingContext ctx) {
    ctx.json(new JsonObject().put("service", "latchkey").put("version", VERSION).put("status", "ok"));
  }
}
