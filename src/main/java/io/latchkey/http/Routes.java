package io.latchkey.http;

import io.latchkey.telemetry.RequestTiming;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Declares a tier's routes, each named after its template ({@code GET /api/v1/user/sessions/{id}}) for
 * the request-timing middleware, the metrics and the server span; and names them in a 405's {@code Allow}.
 */
final class Routes {

  private static final String ANY_METHOD = "latchkey.any-method";

  private final Router router;
  private final String prefix;

  Routes(Router router, String prefix) {
    this.router = router;
    this.prefix = prefix;
  }

  Route get(String path, Handler<RoutingContext> action) {
    return add(HttpMethod.GET, path, action);
  }

  /**
   * A GET route whose {@code guards} run first, in order, before the route is named: a tier's authentication,
   * for a route mounted outside its tier's router (there the guards are the tier router's first route).
   */
  Route get(String path, List<Handler<RoutingContext>> guards, Handler<RoutingContext> action) {
    Route route = router.route(HttpMethod.GET, path);
    guards.forEach(route::handler);
    return route.handler(RequestTiming.route(template(HttpMethod.GET, path))).handler(action);
  }

  Route post(String path, Handler<RoutingContext> action) {
    return add(HttpMethod.POST, path, action);
  }

  Route delete(String path, Handler<RoutingContext> action) {
    return add(HttpMethod.DELETE, path, action);
  }

  /**
   * A route for every method (any token a client sends: forward auth answers for whatever the original
   * request was), each request named after its own method once {@code authentication} let it through (as on
   * the other routes of a tier, whose authentication runs before them); {@code /*} in {@code path} is named
   * {@code {path}}.
   */
  Route any(String path, Handler<RoutingContext> authentication, Handler<RoutingContext> action) {
    return router.route(path).setName(ANY_METHOD).handler(authentication)
        .handler(RequestTiming.anyMethod(prefix + path.replace("/*", "/{path}"))).handler(action);
  }

  /** Whether a route serves every method as an operation (a route without methods may also be a step). */
  static boolean isAnyMethod(Route route) {
    return ANY_METHOD.equals(route.getName());
  }

  private Route add(HttpMethod method, String path, Handler<RoutingContext> action) {
    return router.route(method, path).handler(RequestTiming.route(template(method, path))).handler(action);
  }

  private String template(HttpMethod method, String path) {
    return method.name() + " " + prefix + path.replaceAll(":([a-z_]+)", "{$1}");
  }

  /**
   * Puts on a 405 the {@code Allow} header RFC 9110 §15.5.6 requires, then hands it to {@code next}. vertx-web
   * decides 405 (some route has the path, none the method) but names the methods only in its own bare answer:
   * the methods of every route whose path matches are collected here from {@code root} and its sub-routers,
   * once, when the router is complete.
   */
  static Handler<RoutingContext> allowing(Router root, Handler<RoutingContext> next) {
    Map<String, Set<HttpMethod>> methodsByPath = new LinkedHashMap<>();
    collect(root, "", methodsByPath);
    return ctx -> {
      String path = ctx.normalizedPath();
      Set<HttpMethod> allowed = new LinkedHashSet<>();
      methodsByPath.forEach((template, methods) -> {
        if (matches(template, path)) {
          allowed.addAll(methods);
        }
      });
      if (!allowed.isEmpty()) {
        ctx.response().putHeader(HttpHeaders.ALLOW, allowed.stream().map(HttpMethod::name).collect(Collectors.joining(", ")));
      }
      next.handle(ctx);
    };
  }

  private static void collect(Router router, String prefix, Map<String, Set<HttpMethod>> into) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (route.getSubRouter() != null) {
        collect(route.getSubRouter(), prefix + withoutTrailingSlash(path), into);
      } else if (path != null && !route.isRegexPath() && route.methods() != null && !route.methods().isEmpty()) {
        into.computeIfAbsent(prefix + path, p -> new LinkedHashSet<>()).addAll(route.methods());
      }
    }
  }

  /** Segment by segment, equal or a {@code :parameter} (any non-empty segment); a trailing slash is no segment. */
  private static boolean matches(String template, String path) {
    String[] t = template.split("/", -1);
    String[] p = withoutTrailingSlash(path).split("/", -1);
    if (t.length != p.length) {
      return false;
    }
    for (int i = 0; i < t.length; i++) {
      if (!t[i].equals(p[i]) && !(t[i].startsWith(":") && !p[i].isEmpty())) {
        return false;
      }
    }
    return true;
  }

  private static String withoutTrailingSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
