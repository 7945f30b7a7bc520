package io.latchkey;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.NodeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator meets: the packaged jar started on the embedded default, a little traffic, a scrape, a
 * SIGTERM. Its log says nothing alarming; every metric the Grafana dashboard and the Prometheus rules name is
 * one it exports; a taken port and a platform without binaries are each one clear line and exit status 1.
 */
class OperatorsKitIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration STOP = Duration.ofSeconds(30);
  private static final int SIGTERM_EXIT = 143;
  private static final String INTERNAL_KEY = "internal-key-for-the-kit-0123";
  private static final Path DASHBOARD = Path.of("ops/grafana/latchkey.json");
  private static final Path RULES = Path.of("ops/prometheus/alerts.yml");
  /** The node's metric families, by the prefixes it exports; a token with one of these is a metric name. */
  private static final String NAME = "(?:latchkey|cache|vertx|jvm|process|system)_[a-z0-9_]+";
  private static final Pattern METRIC = Pattern.compile("\\b" + NAME + "\\b");
  private static final Pattern SELECTOR = Pattern.compile("\\b(" + NAME + ")\\{([^}]*)}");
  private static final Pattern LABEL_MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
  private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  /** Labels Prometheus adds to every scraped series; the node does not export them. */
  private static final Set<String> TARGET_LABELS = Set.of("instance", "job");
  /** A WARN or ERROR line of the text log format. */
  private static final Pattern ALARMING = Pattern.compile("(?m)^\\S+ (WARN|ERROR) .*$");
  /**
   * Vert.x's blocked-thread checker reports the machine's load (the suite shares 2 cores with other JVMs), not a
   * defect of starting or stopping; every other WARN or ERROR counts.
   */
  private static final String LOAD_REPORT = "BlockedThreadChecker";

  @TempDir
  static Path workDir;

  private static String metrics;
  private static String log;
  private static int exitStatus;

  @BeforeAll
  static void runANodeOnce() throws Exception {
    try (NodeProcess node = NodeProcess.start(workDir, Map.of("DATA_DIR", workDir.resolve("data").toString(),
        "HTTP_HOST", "127.0.0.1", "HTTP_PORT", "0", "INTERNAL_API_KEYS", INTERNAL_KEY))) {
      int port = node.awaitListening(START);
      HttpProbe.awaitReady(port, START);
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + port;
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/internal/sessions"))
          .header("Authorization", "Bearer " + INTERNAL_KEY).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"identity\":{\"kind\":\"email\",\"subject\":\"ops@example.com\"}}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(201);
      String token = new JsonObject(created.body()).getString("token");
      assertThat(send(http, base + "/api/v1/user/me", "GET", token)).isEqualTo(200);
      assertThat(send(http, base + "/api/v1/user/sessions/current", "DELETE", token)).isEqualTo(204);
      assertThat(send(http, base + "/api/v1/user/me", "GET", token)).isEqualTo(401);
      metrics = HttpProbe.get(port, "/metrics").body();
      exitStatus = node.terminate(STOP);
      log = node.output();
    }
  }

  @Test
  @DisplayName("a clean start, some traffic and a SIGTERM log no WARN or ERROR line")
  void aCleanStartAndStopLogNothingAlarming() {
    assertThat(exitStatus).isEqualTo(SIGTERM_EXIT);
    assertThat(log).contains("listening on").contains("Stopped");
    List<String> alarming = new ArrayList<>();
    Matcher m = ALARMING.matcher(log);
    while (m.find()) {
      if (!m.group().contains(LOAD_REPORT)) {
        alarming.add(m.group());
      }
    }
    assertThat(alarming).as("WARN and ERROR lines of a clean start and stop").isEmpty();
    assertThat(log).doesNotContain("Multiple shutdown calls").doesNotContain("already registered");
  }

  @Test
  @DisplayName("every metric and label the dashboard and the alert rules name is exported by a running node")
  void everyMetricTheDashboardAndTheRulesNameIsExported() throws Exception {
    Map<String, Set<String>> exported = exported(metrics);
    List<String> expressions = new ArrayList<>(dashboardExpressions());
    int dashboardCount = expressions.size();
    List<String> rules = ruleExpressions();
    expressions.addAll(rules);
    assertThat(dashboardCount).as("dashboard queries").isGreaterThan(20);
    assertThat(rules).as("alert rules").hasSizeGreaterThan(5);

    for (String expression : expressions) {
      if (expression.strip().startsWith("up{")) {
        continue; // Prometheus's own series for the scrape itself
      }
      assertThat(METRIC.matcher(expression).find()).as("names a metric of the node: %s", expression).isTrue();
    }
    // every metric-name token anywhere in either file (queries, descriptions, annotations)
    String files = Files.readString(DASHBOARD) + Files.readString(RULES);
    Matcher names = METRIC.matcher(files);
    Set<String> missing = new HashSet<>();
    while (names.find()) {
      if (!exported.containsKey(names.group())) {
        missing.add(names.group());
      }
    }
    assertThat(missing).as("named by the dashboard or the rules but not exported").isEmpty();
    // and the labels their selectors match on
    for (String expression : expressions) {
      Matcher selector = SELECTOR.matcher(expression);
      while (selector.find()) {
        Matcher label = LABEL_MATCHER.matcher(QUOTED.matcher(selector.group(2)).replaceAll("\"\""));
        while (label.find()) {
          if (!TARGET_LABELS.contains(label.group(1))) {
            assertThat(exported.get(selector.group(1))).as("labels of %s", selector.group(1)).contains(label.group(1));
          }
        }
      }
    }
  }

  @Test
  @DisplayName("a taken HTTP_PORT is one line naming it, exit status 1, and no warning")
  void aTakenPortIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      try (NodeProcess node = NodeProcess.start(workDir, Map.of("DATA_DIR", workDir.resolve("data").toString(),
          "HTTP_HOST", "127.0.0.1", "HTTP_PORT", Integer.toString(port)))) {
        assertThat(node.awaitExit(START)).isEqualTo(1);
        String output = node.output();
        assertThat(output).contains("HTTP_PORT " + port + " is already in use on 127.0.0.1")
            .doesNotContain("BindException").doesNotContain(" WARN ");
      }
    }
  }

  @Test
  @DisplayName("on a platform the build carries no PostgreSQL for, the error names the platform detected")
  void missingBinariesNameThePlatform() throws Exception {
    try (NodeProcess node = NodeProcess.start(workDir, Map.of("DATA_DIR", workDir.resolve("elsewhere").toString(),
        "HTTP_PORT", "0"), List.of("-Xmx256m", "-Dos.arch=sparc"))) {
      assertThat(node.awaitExit(START)).isEqualTo(1);
      assertThat(node.output()).contains("DATABASE_URL must be set: this build carries no embedded PostgreSQL for "
          + System.getProperty("os.name") + " on sparc").doesNotContain("maven dependency");
    }
  }

  private static int send(HttpClient http, String url, String method, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Sample names (histogram suffixes included) and metric family names, each with the label names seen. */
  private static Map<String, Set<String>> exported(String scrape) {
    Map<String, Set<String>> names = new HashMap<>();
    for (String line : scrape.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        names.computeIfAbsent(line.split(" ")[2], k -> new HashSet<>());
      } else if (!line.isBlank() && !line.startsWith("#")) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
        Set<String> labels = names.computeIfAbsent(name, k -> new HashSet<>());
        if (brace >= 0 && brace < space) {
          Matcher label = LABEL_MATCHER.matcher(QUOTED.matcher(line.substring(brace, line.lastIndexOf('}'))).replaceAll(""));
          while (label.find()) {
            labels.add(label.group(1));
          }
        }
      }
    }
    // a family's labels are those of its samples (a histogram's base name stands for its _bucket, _count, _sum)
    for (String family : new ArrayList<>(names.keySet())) {
      for (String suffix : List.of("_bucket", "_count", "_sum", "_total")) {
        Set<String> sample = names.get(family + suffix);
        if (sample != null) {
          names.get(family).addAll(sample);
        }
      }
    }
    return names;
  }

  private static List<String> dashboardExpressions() throws Exception {
    List<String> expressions = new ArrayList<>();
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    for (Object panel : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) panel).getJsonArray("targets", new JsonArray());
      for (Object target : targets) {
        expressions.add(((JsonObject) target).getString("expr"));
      }
    }
    return expressions;
  }

  /** The rules' {@code expr:} values, on one line or as a {@code |} block. */
  private static List<String> ruleExpressions() throws Exception {
    List<String> expressions = new ArrayList<>();
    List<String> lines = Files.readAllLines(RULES);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      if (!trimmed.startsWith("expr:")) {
        continue;
      }
      String value = trimmed.substring("expr:".length()).strip();
      if (value.equals("|") || value.equals(">")) {
        int indent = line.indexOf("expr:");
        StringBuilder block = new StringBuilder();
        while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
            || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent)) {
          block.append(lines.get(++i).strip()).append(' ');
        }
        value = block.toString().strip();
      }
      expressions.add(value);
    }
    return expressions;
  }
}
