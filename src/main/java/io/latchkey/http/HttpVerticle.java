package io.latchkey.http;

import io.latchkey.auth.ApiKeyAuthProvider;
import io.latchkey.auth.SessionAuthProvider;
import io.latchkey.auth.signature.ReplayCache;
import io.latchkey.auth.signature.RequestVerifier;
import io.latchkey.cluster.ClusterView;
import io.latchkey.config.AppConfig;
import io.latchkey.session.SessionClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API. Deployed once per core; every instance binds the same address and Vert.x spreads
 * connections across them. It reaches sessions only through the event bus ({@link SessionClient}).
 */
public final class HttpVerticle extends VerticleBase {

  /** Where the OpenAPI document of this API lives on the class path. */
  public static final String OPENAPI_RESOURCE = "openapi.json";

  private final AppConfig config;
  private final ClusterView cluster;
  private final ReplayCache replays;
  private HttpServer server;

  /**
   * @param replays the node's signature nonces, shared by all its HTTP verticles
   */
  public HttpVerticle(AppConfig config, ClusterView cluster, ReplayCache replays) {
    this.config = config;
    this.cluster = cluster;
    this.replays = replays;
  }

  @Override
  public Future<?> start() {
    return vertx.fileSystem().readFile(OPENAPI_RESOURCE).compose(openApi -> {
      server = vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost()));
      // port 0 asks for a random port; -1 makes every instance share the one random port chosen
      int port = config.httpPort() == 0 ? -1 : config.httpPort();
      return server.requestHandler(router(openApi)).listen(port);
    });
  }

  /** Every route of the service; the OpenAPI test walks this same router. */
  public Router router(Buffer openApi) {
    SessionClient sessions = SessionClient.create(vertx, config.eventBusTimeout());
    ApiKeyAuthProvider keys = new ApiKeyAuthProvider(config.internalKeys(), config.adminKeys());
    Handler<RoutingContext> userAuthentication = Guards.user(new SessionAuthProvider(sessions), keys);
    SignatureGuard signatures = new SignatureGuard(
        new RequestVerifier(config.signatureMaxSkew(), replays, Clock.systemUTC()));

    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/readyz").handler(Readiness.handler(vertx, config.healthCheckTimeout(), cluster));

    router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(config.httpMaxBodyBytes()));
    router.route("/api/v1/user/*").handler(HttpVerticle::noStore);
    router.route("/api/v1/internal/*").handler(HttpVerticle::noStore);
    router.route("/api/v1/admin/*").handler(HttpVerticle::noStore);
    router.route("/api/v1/public/*").subRouter(PublicApi.router(vertx, openApi));
    router.route("/api/v1/user/*").subRouter(UserApi.router(vertx, sessions, userAuthentication, signatures));
    router.route("/api/v1/internal/*").subRouter(InternalApi.router(vertx, sessions, keys));
    router.route("/api/v1/admin/*").subRouter(AdminApi.router(vertx, sessions, keys));

    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, failures);
    }
    return router;
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

  static void noStore(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    ctx.next();
  }
}
