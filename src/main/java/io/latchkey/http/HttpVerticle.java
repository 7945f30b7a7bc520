package io.latchkey.http;

import io.latchkey.auth.ApiKeyAuthProvider;
import io.latchkey.auth.SessionAuthProvider;
import io.latchkey.auth.signature.ReplayCache;
import io.latchkey.auth.signature.RequestVerifier;
import io.latchkey.cluster.ClusterView;
import io.latchkey.config.AppConfig;
import io.latchkey.config.ConfigException;
import io.latchkey.invalidation.InvalidationFeed;
import io.latchkey.login.LoginService;
import io.latchkey.telemetry.Metrics;
import io.latchkey.telemetry.RequestTiming;
import io.latchkey.telemetry.Telemetry;
import io.latchkey.session.Lifetimes;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.net.BindException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API. Deployed once per core; every instance binds the same address and Vert.x spreads
 * connections across them. It reaches sessions only through the event bus ({@link SessionService}).
 */
public final class HttpVerticle extends VerticleBase {

  /** Where the OpenAPI document of this API lives on the class path. */
  public static final String OPENAPI_RESOURCE = "openapi.json";
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

  private final AppConfig config;
  private final ClusterView cluster;
  private final ReplayCache replays;
  private final Telemetry telemetry;
  private final SessionCache cache;
  private final RateLimitGuard limits;
  private final LoginService logins;
  private final InvalidationFeed feed;
  private StreamSubscribers streams;
  private Metrics metrics;
  private HttpServer server;
  private HttpServer management;
  private long sweep = -1;

  /**
   * A verticle with rate limits of its own, that asks the session verticle for every lookup.
   *
   * @param replays the node's signature nonces, shared by all its HTTP verticles
   */
  public HttpVerticle(AppConfig config, ClusterView cluster, ReplayCache replays, Telemetry telemetry) {
    this(config, cluster, replays, telemetry, null, RateLimitGuard.create(config.rateLimits(), telemetry.registry()),
        null, null);
  }

  /**
   * @param cache the node's session cache, read directly on cache hits ({@code null}: every lookup asks
   *     the session verticle)
   * @param limits the node's per-address rate limits, shared by all its HTTP verticles
   * @param logins the node's logins, shared by all its HTTP verticles ({@code null}: logins answer 503)
   * @param feed the node's invalidation feed, shared by all its HTTP verticles ({@code null}: the invalidation
   *     stream answers 503)
   */
  public HttpVerticle(AppConfig config, ClusterView cluster, ReplayCache replays, Telemetry telemetry,
      SessionCache cache, RateLimitGuard limits, LoginService logins, InvalidationFeed feed) {
    this.config = config;
    this.cluster = cluster;
    this.replays = replays;
    this.telemetry = telemetry;
    this.cache = cache;
    this.limits = limits;
    this.logins = logins;
    this.feed = feed;
  }

  @Override
  public Future<?> start() {
    metrics = new Metrics(telemetry.registry());
    streams = new StreamSubscribers(vertx, feed, config.invalidationStream(), metrics);
    return streams.start().compose(following -> vertx.fileSystem().readFile(OPENAPI_RESOURCE)).compose(openApi -> {
      server = createServer(serverOptions(config.httpHost()));
      // port 0 asks for a random port; -1 makes every instance share the one random port chosen
      int port = config.httpPort() == 0 ? -1 : config.httpPort();
      ConnectionGuard connections = new ConnectionGuard(config.httpHeaderTimeout(), config.httpIdleTimeoutSeconds());
      if (!config.httpHeaderTimeout().isZero()) {
        sweep = vertx.setPeriodic(ConnectionGuard.sweepPeriodMillis(config.httpHeaderTimeout()), id -> connections.sweep());
      }
      Future<HttpServer> api = server.connectionHandler(connections::connected)
          .invalidRequestHandler(connections.watching(invalidRequests()))
          .requestHandler(connections.watching(MalformedRequests.beforeRouting(router(openApi))))
          .listen(port)
          .recover(failure -> Future.failedFuture(inUse(failure, "HTTP_PORT", config.httpPort(), config.httpHost())));
      if (config.metricsPort() == 0) {
        return api.<Void>mapEmpty();
      }
      Router metrics = Router.router(vertx);
      metrics.route().handler(new SecurityHeaders());
      metrics.get("/metrics").handler(PrometheusScrapingHandler.create(telemetry.prometheus()));
      management = createServer(serverOptions(config.metricsHost()));
      return Future.all(api, management.requestHandler(metrics).listen(config.metricsPort())
          .recover(failure -> Future.failedFuture(inUse(failure, "METRICS_PORT", config.metricsPort(),
              config.metricsHost())))).<Void>mapEmpty();
    });
  }

  /** A port another process holds is a start-up error naming the setting and the port, not a bare BindException. */
  private static Throwable inUse(Throwable failure, String setting, int port, String host) {
    return failure instanceof BindException
        ? new ConfigException(setting + " " + port + " is already in use on " + host + " (another process listens there)")
        : failure;
  }

  /**
   * HTTP/1.1 with the size limits on what a request may send before the router sees it. Cleartext HTTP/2
   * (h2c) is off: Vert.x answers a malformed or oversized h2c upgrade request with a bare 400 and leaves the
   * connection hanging, past the invalid-request handler.
   */
  private HttpServerOptions serverOptions(String host) {
    return new HttpServerOptions()
        .setHost(host)
        .setHttp2ClearTextEnabled(false)
        .setMaxInitialLineLength(config.httpMaxInitialLineBytes())
        .setMaxHeaderSize(config.httpMaxHeaderBytes())
        // a form field (the OAuth endpoints' token) is bounded by the body limit alone, as a JSON one is, not by
        // Vert.x's own 8 KiB: a long token is then answered alike in either media type
        .setMaxFormAttributeSize(config.httpMaxBodyBytes())
        // a connection that sends nothing (an idle keep-alive, a request left half-sent) is closed: slow
        // or vanished clients cannot hold connections for ever
        .setIdleTimeout(config.httpIdleTimeoutSeconds());
  }

  private HttpServer createServer(HttpServerOptions options) {
    return vertx.createHttpServer(options).invalidRequestHandler(invalidRequests());
  }

  private InvalidRequests invalidRequests() {
    return new InvalidRequests(config.httpMaxInitialLineBytes(), config.httpMaxHeaderBytes());
  }

  /** Every route of the service; the OpenAPI test walks this same router. */
  public Router router(Buffer openApi) {
    SessionService sessions = SessionService.create(vertx, config.eventBusTimeout(), cache,
        config.lastSeen().interval(), Lifetimes.of(config.lifetimes(), config.lastSeen()));
    ApiKeyAuthProvider keys = new ApiKeyAuthProvider(config.internalKeys(), config.adminKeys());
    Handler<RoutingContext> userAuthentication = Guards.user(new SessionAuthProvider(sessions), keys);
    SignatureGuard signatures = new SignatureGuard(
        new RequestVerifier(config.signatureMaxSkew(), replays, Clock.systemUTC()));
    FailureHandler failures = new FailureHandler();
    ForwardAuth forwardAuth = new ForwardAuth(signatures,
        TrustedProxies.of(config.forwardAuthTrustedProxies(), config.rateLimits().trustedProxyHops()), failures);

    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders());
    router.route().handler(new RequestTiming(telemetry.registry(), config.accessLog(), telemetry.tracing()));
    Routes root = new Routes(router, "");
    root.get("/healthz", ctx -> ctx.json(new JsonObject().put("status", "UP")));
    root.get("/readyz", Readiness.handler(vertx, config.healthCheckTimeout(), cluster));
    if (config.metricsPort() == 0) {
      root.get("/metrics", PrometheusScrapingHandler.create(telemetry.prometheus()));
    }

    // the limits come before reading a body: a refused request costs no more than its headers; one handler
    // per tier, since every route a request passes through costs it a routing step
    Handler<RoutingContext> credentialTier = limits.limitsAuthFailures()
        ? ctx -> {
          noStore(ctx);
          if (carriesBody(ctx.request().method())) {
            limits.refuseSpentAddresses(ctx);
          } else {
            limits.holdFailureBudget(ctx);
          }
        }
        : ctx -> {
          noStore(ctx);
          ctx.next();
        };
    for (String tier : new String[] {"/api/v1/user/*", "/api/v1/internal/*", "/api/v1/admin/*"}) {
      router.route(tier).handler(credentialTier);
    }
    // the validate route, the service's hot path: its GET carries no body, so it is mounted here, ahead of the
    // body steps and the user tier's router, with the tier's guards as its own first steps
    UserApi.mountMe(router, sessions, userAuthentication, signatures);
    if (limits.limitsPublicRequests()) {
      router.route("/api/v1/public/*").handler(limits::limitPublicRequests);
    }
    // only methods that carry a body pay for reading one (a GET is answered without it); three routes, since
    // vertx-web wants a body handler first on its own route. The routes take every method and pass the others
    // on: a route restricted to methods would make vertx-web answer any other method on any /api/v1 path,
    // unknown ones included, with 405 instead of 404. Forward auth reads a body whatever the method (Traefik
    // forwards one with a GET), when there is one
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(config.httpMaxBodyBytes());
    for (Handler<RoutingContext> step : List.<Handler<RoutingContext>>of(FailureHandler::readingBody, bodies,
        FailureHandler::bodyRead)) {
      router.route("/api/v1/*").handler(ctx -> {
        if (carriesBody(ctx.request().method()) || forwardedBody(ctx.request())) {
          step.handle(ctx);
        } else {
          ctx.next();
        }
      });
    }
    if (limits.limitsAuthFailures()) {
      // a request with a body holds its failure budget once the body is in, right before its credentials
      // (matched on every method, like the body handler: a method-restricted route would turn an unknown
      // path's 404 into a 405)
      for (String tier : new String[] {"/api/v1/user/*", "/api/v1/internal/*", "/api/v1/admin/*"}) {
        router.route(tier).handler(ctx -> {
          if (carriesBody(ctx.request().method())) {
            limits.holdFailureBudget(ctx);
          } else {
            ctx.next();
          }
        });
      }
    }
    router.route("/api/v1/public/*").subRouter(PublicApi.router(vertx, openApi, logins));
    router.route("/api/v1/user/*").subRouter(UserApi.router(vertx, sessions, userAuthentication, signatures,
        forwardAuth));
    router.route("/api/v1/internal/*").subRouter(InternalApi.router(vertx, sessions, keys,
        new InvalidationStream(feed, streams, metrics)));
    router.route("/api/v1/admin/*").subRouter(AdminApi.router(vertx, sessions, keys));

    router.route().failureHandler(failures);
    for (int status : new int[] {400, 401, 403, 404, 406, 413, 415, 500}) {
      router.errorHandler(status, failures);
    }
    router.errorHandler(405, Routes.allowing(router, failures));
    return router;
  }

  /** Graceful: stop accepting, let in-flight requests finish within the grace period, then close. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweep);
    // open streams never end by themselves: ended first, their clients resume elsewhere or after the restart
    Future<Void> api = streams.close()
        .eventually(() -> server.shutdown(config.httpShutdownGrace().toMillis(), TimeUnit.MILLISECONDS));
    return management == null ? api : Future.all(api, management.close());
  }

  /** The port this instance listens on (the real one when 0 was configured). */
  public int actualPort() {
    return server.actualPort();
  }

  /** A body sent to forward auth with a method that usually has none. */
  private static boolean forwardedBody(HttpServerRequest request) {
    MultiMap headers = request.headers();
    return (headers.contains(HttpHeaders.CONTENT_LENGTH) || headers.contains(HttpHeaders.TRANSFER_ENCODING))
        && request.path().startsWith(ForwardedRequest.PREFIX);
  }

  /** The methods the body handler reads a body for. */
  private static boolean carriesBody(HttpMethod method) {
    return method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.PATCH)
        || method.equals(HttpMethod.DELETE);
  }

  private static void noStore(RoutingContext ctx) {
    ctx.response().headers().set(HttpHeaders.CACHE_CONTROL, NO_STORE);
  }
}
