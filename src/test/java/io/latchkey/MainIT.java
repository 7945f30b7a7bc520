package io.latchkey;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.NodeProcess;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged service, started as an operator starts it: {@code java -jar} and environment variables. */
class MainIT {

  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration STOP = Duration.ofSeconds(30);
  /** The JVM's exit status after a SIGTERM whose shutdown hooks all ran (128 + 15). */
  private static final int SIGTERM_EXIT = 143;

  @TempDir
  Path workDir;

  @Test
  @DisplayName("starts from environment variables alone, answers its endpoints, and stops gracefully on SIGTERM")
  void startsFromTheEnvironmentAndStopsOnSigterm() throws Exception {
    DatabaseTarget database = TestPostgres.freshDatabase();
    try (NodeProcess node = NodeProcess.start(workDir, Map.of(
        "DATABASE_URL", database.url(), "HTTP_HOST", "127.0.0.1", "HTTP_PORT", "0"))) {
      int port = node.awaitListening(START);

      assertThat(HttpProbe.get(port, "/healthz").statusCode()).isEqualTo(200);
      assertThat(HttpProbe.awaitReady(port, START).body()).contains("\"outcome\":\"UP\"");
      HttpResponse<String> ping = HttpProbe.get(port, "/api/v1/public/ping");
      assertThat(ping.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(ping.body()).getString("service")).isEqualTo("latchkey");
      HttpResponse<String> missing = HttpProbe.get(port, "/api/v1/public/nope");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.headers().firstValue("content-type")).hasValue("application/problem+json");
      assertThat(new JsonObject(missing.body()).getInteger("status")).isEqualTo(404);

      assertThat(node.terminate(STOP)).isEqualTo(SIGTERM_EXIT);
      assertThat(node.output()).contains("Stopping").contains("Stopped");
      assertThat(refusesConnections(port)).isTrue();
    }
  }

  @Test
  @DisplayName("with no DATABASE_URL it runs on an embedded PostgreSQL whose data survives a restart")
  void zeroSetUpRunKeepsItsDataAcrossRestarts() throws Exception {
    Map<String, String> env = Map.of("DATA_DIR", workDir.resolve("data").toString(), "HTTP_HOST", "127.0.0.1",
        "HTTP_PORT", "0");

    try (NodeProcess first = NodeProcess.start(workDir, env)) {
      HttpProbe.awaitReady(first.awaitListening(START), START);
      assertThat(first.output()).contains("Embedded PostgreSQL started").containsPattern("[1-9]\\d* migration\\(s\\) applied");
      assertThat(first.terminate(STOP)).isEqualTo(SIGTERM_EXIT);
      assertThat(first.output()).contains("Embedded PostgreSQL stopped");
    }
    assertThat(workDir.resolve("data/postgres/PG_VERSION")).exists();

    try (NodeProcess second = NodeProcess.start(workDir, env)) {
      HttpProbe.awaitReady(second.awaitListening(START), START);
      assertThat(second.output()).as("the schema is already there").contains("0 migration(s) applied");
      assertThat(second.terminate(STOP)).isEqualTo(SIGTERM_EXIT);
    }
  }

  @Test
  @DisplayName("an invalid setting is one clear log line and exit status 1")
  void invalidConfigurationExits() throws Exception {
    try (NodeProcess node = NodeProcess.start(workDir, Map.of("HTTP_PORT", "eighty"))) {
      assertThat(node.awaitExit(START)).isEqualTo(1);
      assertThat(node.output()).contains("Invalid configuration: HTTP_PORT must be an integer between 0 and 65535")
          .doesNotContain("listening");
    }
  }

  @Test
  @DisplayName("a log format or level logback would misread: one line on stderr, exit status 1, nothing started")
  void invalidLogSettingsExitBeforeAnythingStarts() throws Exception {
    String formatMessage = "LOG_FORMAT must be text or json (unset: text)";
    String levelMessage = "LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, in any case (unset: INFO)";
    try (NodeProcess node = NodeProcess.start(workDir, Map.of("LOG_FORMAT", "xml", "HTTP_PORT", "0"))) {
      assertThat(node.awaitExit(START)).isEqualTo(1);
      assertThat(node.output().strip()).as("that line alone").isEqualTo("Invalid configuration: " + formatMessage);
    }
    try (NodeProcess node = NodeProcess.start(workDir, Map.of("LOG_LEVEL", "bogus", "HTTP_PORT", "0"))) {
      assertThat(node.awaitExit(START)).isEqualTo(1);
      assertThat(node.output().strip()).as("that line alone, nothing at DEBUG")
          .isEqualTo("Invalid configuration: " + levelMessage);
    }
    assertThat(workDir.resolve("data")).as("no embedded PostgreSQL was started").doesNotExist();
  }

  @Test
  @DisplayName("an unreachable database stops start-up with exit status 1, never a half-started node, and no password in the log")
  void unreachableDatabaseFailsStartUp() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "postgresql://svc:hunter2-secret@127.0.0.1:" + closedPort + "/latchkey";
    try (NodeProcess node = NodeProcess.start(workDir, Map.of("DATABASE_URL", url, "HTTP_PORT", "0"))) {
      assertThat(node.awaitExit(START)).isEqualTo(1);
      assertThat(node.output()).contains("Start-up failed").doesNotContain("listening").doesNotContain("hunter2-secret");
    }
  }

  private static boolean refusesConnections(int port) throws Exception {
    try {
      HttpProbe.get(port, "/healthz");
      return false;
    } catch (ConnectException expected) {
      return true;
    }
  }

  static {
    // the jar is built by 'mvn verify' before the integration tests run
    if (System.getProperty("latchkey.jar") == null || !Files.exists(Path.of(System.getProperty("latchkey.jar")))) {
      throw new IllegalStateException("latchkey.jar is not built; run the tests with 'mvn verify'");
    }
  }
}
