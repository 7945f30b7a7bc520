package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.auth.signature.ReplayCache;
import io.latchkey.cluster.ClusterView;
import io.latchkey.config.AppConfig;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Migrations;
import io.latchkey.session.impl.SessionVerticle;
import io.latchkey.telemetry.Metrics;
import io.latchkey.telemetry.Telemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.Outage;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ReadinessIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static DatabaseTarget database;
  private static AppConfig config;

  @BeforeAll
  static void databaseWithSessions() throws SQLException {
    database = TestPostgres.freshDatabase();
    config = TestConfig.forDatabase(database, Map.of("HTTP_INSTANCES", 1, "HEALTH_CHECK_TIMEOUT_MS", 1000));
    Migrations.migrate(database, config.dbSchema());
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      s.execute("INSERT INTO accounts (account_id) VALUES ('018f0000-0000-7000-8000-000000000001')");
      for (int i = 1; i <= 4; i++) {
        boolean revoked = i == 4;
        s.execute("INSERT INTO sessions (session_id, account_id, token_hash, status, revoked_at) VALUES ("
            + "'018f0000-0000-7000-8000-00000000010" + i + "', '018f0000-0000-7000-8000-000000000001', "
            + "sha256('token-" + i + "'::bytea), " + (revoked ? "'revoked', now()" : "'active', NULL") + ")");
      }
    }
  }

  @Test
  @DisplayName("/readyz is 503 naming the session cache until warm-up has loaded the active sessions")
  void readinessWaitsForWarmUp(Vertx vertx) throws Exception {
    int port;
    try (Connection blocker = TestPostgres.connect(database)) {
      blocker.setAutoCommit(false);
      blocker.createStatement().execute("LOCK TABLE latchkey.sessions IN ACCESS EXCLUSIVE MODE");
      port = deploy(vertx);

      HttpResponse<String> warming = HttpProbe.get(port, "/readyz");

      assertThat(warming.statusCode()).isEqualTo(503);
      assertThat(check(warming, Readiness.SESSION_CACHE).getString("status")).isEqualTo("DOWN");
      assertThat(check(warming, Readiness.SESSION_CACHE).getJsonObject("data").getString("state")).isEqualTo("warming");
      assertThat(check(warming, Readiness.DATABASE).getString("status")).isEqualTo("UP");
      blocker.commit();
    }

    HttpResponse<String> ready = HttpProbe.awaitReady(port, WAIT);

    JsonObject cache = check(ready, Readiness.SESSION_CACHE);
    assertThat(cache.getString("status")).isEqualTo("UP");
    assertThat(cache.getJsonObject("data").getLong("entries")).as("active sessions only").isEqualTo(3L);
    assertThat(HttpProbe.get(port, "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("/readyz is 503 naming the database while it is unreachable, and 200 again when it returns")
  void readinessFollowsTheDatabase(Vertx vertx) throws Exception {
    int port = deploy(vertx);
    HttpProbe.awaitReady(port, WAIT);
    try (Outage outage = Outage.of(database)) {
      long started = System.nanoTime();
      HttpResponse<String> down = Eventually.await(WAIT, () -> HttpProbe.get(port, "/readyz"),
          r -> r.statusCode() == 503, "/readyz 503");

      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("a result at most a second old, then a check within its timeout, plus scheduling slack")
          .isLessThan(Duration.ofMillis(1000 + config.healthCheckTimeout().toMillis() + 1500));

      assertThat(check(down, Readiness.DATABASE).getString("status")).isEqualTo("DOWN");
      assertThat(check(down, Readiness.SESSION_CACHE).getString("status")).as("the cache stays warm").isEqualTo("UP");
      assertThat(HttpProbe.get(port, "/healthz").statusCode()).as("liveness is not readiness").isEqualTo(200);
    }

    HttpResponse<String> back = HttpProbe.awaitReady(port, WAIT);
    assertThat(check(back, Readiness.DATABASE).getString("status")).isEqualTo("UP");
  }

  @Test
  @DisplayName("/readyz asks PostgreSQL at most about once a second, however many callers ask at once")
  void readinessQueriesTheDatabaseAtMostOnceASecond(Vertx vertx) throws Exception {
    Metrics metrics = new Metrics(new SimpleMeterRegistry());
    int port = deploy(vertx, metrics);
    HttpProbe.awaitReady(port, WAIT);
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      double before = metrics.databaseChecks.count();
      long started = System.nanoTime();
      List<Future<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        calls.add(callers.submit(() -> HttpProbe.get(port, "/readyz")));
      }
      for (Future<HttpResponse<String>> call : calls) {
        assertThat(call.get().statusCode()).isEqualTo(200);
      }
      long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

      assertThat(metrics.databaseChecks.count() - before).as("64 callers in %d s", seconds)
          .isBetween(0.0, seconds + 1.0);
    } finally {
      callers.shutdownNow();
    }
  }

  private static int deploy(Vertx vertx) {
    return deploy(vertx, new Metrics(new SimpleMeterRegistry()));
  }

  private static int deploy(Vertx vertx, Metrics metrics) {
    vertx.deployVerticle(new SessionVerticle(database, config, metrics)).await();
    HttpVerticle http = new HttpVerticle(config, ClusterView.standalone(), ReplayCache.create(Duration.ofSeconds(60), 1000),
        Telemetry.metricsOnly());
    vertx.deployVerticle(http).await();
    return http.actualPort();
  }

  private static JsonObject check(HttpResponse<String> response, String id) {
    JsonArray checks = new JsonObject(response.body()).getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no check " + id + " in " + response.body());
  }
}
