package io.latchkey.http;

import io.latchkey.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API. Deployed once per core; every instance binds the same address and Vert.x spreads
 * connections across them. It reaches sessions only through the event bus.
 */
public final class HttpVerticle extends VerticleBase {

  private final AppConfig config;
  private HttpServer server;

  public HttpVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/readyz").handler(Readiness.handler(vertx, config.healthCheckTimeout()));
    router.route("/api/v1/public/*").subRouter(ApiRouters.publicTier(vertx));
    router.route("/api/v1/user/*").subRouter(ApiRouters.userTier(vertx));
    router.route("/api/v1/internal/*").subRouter(ApiRouters.internalTier(vertx));
    router.route("/api/v1/admin/*").subRouter(ApiRouters.adminTier(vertx));

    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    for (int status : new int[] {404, 405, 413, 500}) {
      router.errorHandler(status, failures);
    }

    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost()));
    // port 0 asks for a random port; -1 makes every instance share the one random port chosen
    int port = config.httpPort() == 0 ? -1 : config.httpPort();
    return server.requestHandler(router).listen(port);
  }

  /** Graceful: stop accepting, let in-flight requests finish within the grace period, then close. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.httpShutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port this instance listens on (the real one when 0 was configured). */
  public int actualPort() {
    return server.actualPort();
  }
}
