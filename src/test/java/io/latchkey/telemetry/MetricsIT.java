package io.latchkey.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.RawHttp;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} is Prometheus text, and its counters move by exactly what the requests did. */
class MetricsIT {

  private static final String KEY = "internal-key-0123456789";
  /** One sample line of the text exposition format: name, optional labels, value. */
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");

  private static Application node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node = Application.start(TestConfig.forDatabase(TestPostgres.freshDatabase(),
        Map.of("INTERNAL_API_KEYS", KEY, "LAST_SEEN_FLUSH_MS", 3_600_000)), Telemetry.metricsOnly());
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @Test
  void metricsAreValidPrometheusTextAndMoveWithTheTraffic() throws Exception {
    Map<String, Double> before = scrape();
    String[] tokens = new String[3];
    for (int i = 0; i < 3; i++) {
      tokens[i] = Api.json(api.post("/api/v1/internal/sessions", KEY, new JsonObject().put("identity",
          new JsonObject().put("kind", "email").put("subject", "metric" + i + "@example.com")).encode())).getString("token");
    }
    for (int i = 0; i < 5; i++) {
      assertThat(api.get("/api/v1/user/me", tokens[0]).statusCode()).isEqualTo(200);
    }
    assertThat(api.delete("/api/v1/user/sessions/current", tokens[1]).statusCode()).isEqualTo(204);
    assertThat(api.get("/api/v1/user/me", "lk_" + "A".repeat(43)).statusCode()).isEqualTo(401);

    Map<String, Double> after = scrape();

    assertThat(delta(before, after, "latchkey_session_creations_total")).isEqualTo(3);
    assertThat(delta(before, after, "latchkey_session_revocations_total")).isEqualTo(1);
    assertThat(delta(before, after, "latchkey_invalidations_published_total")).isEqualTo(1);
    assertThat(delta(before, after, "latchkey_invalidations_received_total")).isEqualTo(1);
    assertThat(delta(before, after, "latchkey_invalidation_lag_seconds_count")).isEqualTo(1);
    assertThat(delta(before, after,
        "latchkey_http_server_requests_seconds_count{method=\"GET\",route=\"GET /api/v1/user/me\",status=\"200\"}"))
        .isEqualTo(5);
    assertThat(delta(before, after,
        "latchkey_http_server_requests_seconds_count{method=\"POST\",route=\"POST /api/v1/internal/sessions\",status=\"201\"}"))
        .isEqualTo(3);
    assertThat(delta(before, after,
        "latchkey_http_server_requests_seconds_count{method=\"GET\",route=\"GET /api/v1/user/*\",status=\"401\"}"))
        .as("rejected before its route: labelled by tier, never by raw path").isEqualTo(1);
    // 5 hits on tokens[0] (cached at creation) and the logout's authentication hit on tokens[1]
    assertThat(delta(before, after, "cache_gets_total{cache=\"sessions\",result=\"hit\"}")).isEqualTo(6);
    assertThat(delta(before, after, "cache_gets_total{cache=\"sessions\",result=\"miss\"}")).isEqualTo(1);
    assertThat(after.get("cache_size{cache=\"sessions\"}")).isEqualTo(3);
    assertThat(after.keySet()).anyMatch(name -> name.startsWith("vertx_pool_in_use") && name.contains("latchkey-sessions"));
  }

  @Test
  void methodsOutsideTheStandardOnesShareOneLabel() throws Exception {
    for (String method : new String[] {"PROPFIND", "get", "X-ANYTHING-" + System.nanoTime()}) {
      assertThat(api.send(method, "/api/v1/public/ping", null, null).statusCode()).isIn(404, 405);
    }

    Map<String, Double> after = scrape();

    assertThat(after.keySet()).filteredOn(name -> name.startsWith("latchkey_http_server_requests_seconds_count"))
        .allMatch(name -> name.matches(".*method=\"(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|TRACE|CONNECT|OTHER)\".*"))
        .anyMatch(name -> name.contains("method=\"OTHER\",route=\"OTHER /api/v1/public/*\""));
  }

  @Test
  void aBodyThatCannotBeReadCountsAsAClientError() throws Exception {
    Map<String, Double> before = scrape();
    String broken = "POST /api/v1/internal/sessions/introspect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";

    Optional<RawHttp.Response> answer = RawHttp.exchange(node.httpPort(),
        broken.getBytes(StandardCharsets.ISO_8859_1), false, false, Duration.ofSeconds(10));

    answer.ifPresent(response -> assertThat(response.status()).isEqualTo(400));
    String series = "latchkey_http_server_requests_seconds_count{method=\"POST\",route=\"POST /api/v1/internal/*\","
        + "status=\"400\"}";
    assertThat(delta(before, Eventually.await(Duration.ofSeconds(5), MetricsIT::scrape,
        after -> after.containsKey(series) && after.get(series) > before.getOrDefault(series, 0.0), series), series))
        .isEqualTo(1);
    assertThat(scrape().keySet()).noneMatch(name -> name.contains("status=\"500\""));
  }

  @Test
  void metricsCanMoveToTheirOwnPort() throws Exception {
    int management = io.latchkey.testing.NodeProcess.freePort();
    Application other = Application.start(TestConfig.forDatabase(TestPostgres.freshDatabase(),
        Map.of("METRICS_PORT", management, "METRICS_HOST", "127.0.0.1")), Telemetry.metricsOnly());
    try {
      assertThat(HttpProbe.get(management, "/metrics").body()).contains("latchkey_session_creations_total");
      assertThat(HttpProbe.get(other.httpPort(), "/metrics").statusCode()).isEqualTo(404);
    } finally {
      other.stop();
    }
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
    assertThat(after).as("series %s", series).containsKey(series);
    return after.get(series) - before.getOrDefault(series, 0.0);
  }

  /** Parses the scrape, failing on any line that is neither a comment nor a well-formed sample. */
  private static Map<String, Double> scrape() throws Exception {
    HttpResponse<String> response = api.get("/metrics", null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("a Prometheus sample line: %s", line).isTrue();
      samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
    }
    return samples;
  }
}
