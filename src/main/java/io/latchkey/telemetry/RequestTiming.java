package io.latchkey.telemetry;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.latchkey.auth.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request-timing middleware (the seed's), first on the root router: times every request, records it
 * in {@code latchkey.http.server.requests} by method, route template and status, names the server span
 * after the route template ({@code GET /api/v1/user/me}), and writes one access-log line per request.
 * Only templates are used as labels: never the raw path, which could carry anything, nor a method outside the
 * standard ones (any token is a method to HTTP).
 */
public final class RequestTiming implements Handler<RoutingContext> {

  static final String ROUTE = "latchkey.route";
  private static final Set<HttpMethod> STANDARD_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.CONNECT);
  private static final Logger ACCESS = LoggerFactory.getLogger("latchkey.access");

  private final MeterRegistry registry;
  private final boolean accessLog;
  private final boolean tracing;
  /**
   * One timer per method, route and status, found without building a key or a meter id on every request:
   * by route (whose label starts with its method), then by status code.
   */
  private final Map<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

  /**
   * @param tracing whether a tracer is installed (the server span is then renamed after the route)
   */
  public RequestTiming(MeterRegistry registry, boolean accessLog, boolean tracing) {
    this.registry = registry;
    this.accessLog = accessLog;
    this.tracing = tracing;
  }

  /** The handler a route starts with: names the request after its template. */
  public static Handler<RoutingContext> route(String template) {
    return ctx -> {
      ctx.put(ROUTE, template);
      ctx.next();
    };
  }

  /**
   * The handler a route that takes every method starts with: names each request after its own method
   * ({@code OTHER} for one outside the standard ones) and the route's path template.
   */
  public static Handler<RoutingContext> anyMethod(String pathTemplate) {
    Map<HttpMethod, String> templates = new java.util.HashMap<>();
    for (HttpMethod method : STANDARD_METHODS) {
      templates.put(method, method.name() + " " + pathTemplate);
    }
    String other = "OTHER " + pathTemplate;
    return ctx -> {
      ctx.put(ROUTE, templates.getOrDefault(ctx.request().method(), other));
      ctx.next();
    };
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addHeadersEndHandler(v -> finished(ctx, System.nanoTime() - start));
    ctx.next();
  }

  private void finished(RoutingContext ctx, long nanos) {
    String method = methodLabel(ctx.request().method());
    String route = ctx.get(ROUTE);
    if (route == null) {
      route = method + " " + unnamed(ctx.normalizedPath());
    }
    if (tracing) {
      // the server span is still open while the response headers are written
      Span.current().updateName(route);
    }
    int status = ctx.response().getStatusCode();
    timer(method, route, status).record(nanos, TimeUnit.NANOSECONDS);
    if (accessLog) {
      User user = ctx.user();
      String account = user == null ? null : Caller.accountIdText(user);
      ACCESS.info("{} {} {} {}", kv("route", route), kv("status", status),
          kv("duration_ms", Math.round(nanos / 10_000.0) / 100.0), kv("account_id", account));
    }
  }

  private Timer timer(String method, String route, int status) {
    // a route's label starts with its method; a request of another method on it (none today) gets its own key
    String key = route.startsWith(method) && route.length() > method.length() && route.charAt(method.length()) == ' '
        ? route : method + ' ' + route;
    AtomicReferenceArray<Timer> byStatus = timers.computeIfAbsent(key, r -> new AtomicReferenceArray<>(600));
    int slot = status >= 100 && status < 600 ? status : 0;
    Timer timer = byStatus.get(slot);
    if (timer == null) {
      // registering twice finds the same meter: a race here costs a look-up, never a second series
      timer = Timer.builder("latchkey.http.server.requests")
          .description("HTTP requests by route template and status")
          .tag("method", method)
          .tag("route", route)
          .tag("status", Integer.toString(status))
          .serviceLevelObjectives(Metrics.LATENCY_BUCKETS)
          .register(registry);
      byStatus.set(slot, timer);
    }
    return timer;
  }

  /** The standard methods by name; any other (a client may send any token) as OTHER, so labels stay few. */
  private static String methodLabel(HttpMethod method) {
    return STANDARD_METHODS.contains(method) ? method.name() : "OTHER";
  }

  /** A label for a request no route claimed (or that was rejected before its route): its tier, never its path. */
  private static String unnamed(String path) {
    if (path == null) {
      return "unmatched";
    }
    for (String tier : new String[] {"/api/v1/user/", "/api/v1/internal/", "/api/v1/admin/", "/api/v1/public/"}) {
      if (path.startsWith(tier)) {
        return tier + "*";
      }
    }
    return "unmatched";
  }
}
