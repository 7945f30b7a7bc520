package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.auth.signature.ReplayCache;
import io.latchkey.cluster.ClusterView;
import io.latchkey.telemetry.Telemetry;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The OpenAPI document and the router describe the same API: every route documented, every documented route real. */
class OpenApiIT {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    HttpVerticle verticle = new HttpVerticle(TestConfig.forDatabase(TestPostgres.admin(), Map.of("HTTP_INSTANCES", 1)),
        ClusterView.standalone(), ReplayCache.create(Duration.ofSeconds(60), 1000),
        Telemetry.metricsOnly());
    vertx.deployVerticle(verticle).await();
    Buffer document = vertx.fileSystem().readFile(HttpVerticle.OPENAPI_RESOURCE).await();

    Set<String> routed = new TreeSet<>();
    collect(verticle.router(document), "", routed);
    Set<String> documented = new TreeSet<>();
    JsonObject paths = new JsonObject(document).getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        documented.add(method.toUpperCase() + " " + path);
      }
    }

    assertThat(routed).isNotEmpty().isEqualTo(documented);
  }

  private static void collect(Router router, String prefix, Set<String> into) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (route.getSubRouter() != null) {
        collect(route.getSubRouter(), prefix + trimSlash(path), into);
      } else if (path != null && !path.endsWith("/") && route.methods() != null && !route.methods().isEmpty()) {
        // (a path ending in "/" is a prefix route, "/api/v1/*", carrying a handler for every route below it)
        for (HttpMethod method : route.methods()) {
          into.add(method.name() + " " + prefix + path.replaceAll(":([a-z_]+)", "{$1}"));
        }
      } else if (path != null && !path.endsWith("/") && Routes.isAnyMethod(route)) {
        // a route for one path and every method (forward auth): every method OpenAPI can name
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.POST, HttpMethod.DELETE,
            HttpMethod.OPTIONS, HttpMethod.HEAD, HttpMethod.PATCH, HttpMethod.TRACE)) {
          into.add(method.name() + " " + prefix + path);
        }
      }
    }
  }

  private static String trimSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
