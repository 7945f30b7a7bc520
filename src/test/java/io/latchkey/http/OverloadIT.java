package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Overload sheds instead of queueing: when the database is slower than the traffic, the requests beyond
 * the pool and its bounded wait queue are answered 503 at once, while the ones admitted finish when the
 * database catches up.
 */
class OverloadIT {

  private static final String INTERNAL = "internal-key-for-overload-test1";
  private static final int POOL = 1;
  private static final int MAX_WAITING = 4;
  private static final int REQUESTS = 40;

  private static DatabaseTarget database;
  private static Application node;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    node = Application.start(TestConfig.forDatabase(database, Map.of(
        "INTERNAL_API_KEYS", INTERNAL,
        "DB_POOL_SIZE", POOL,
        "DB_POOL_MAX_WAITING", MAX_WAITING,
        // long enough that only the wait queue's bound, not a timeout, can refuse a request here
        "DB_CONNECT_TIMEOUT_MS", 60_000,
        "DB_STATEMENT_TIMEOUT_MS", 60_000,
        "EVENT_BUS_TIMEOUT_MS", 60_000,
        "ACCESS_LOG", false)));
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @Test
  @DisplayName("creates beyond the pool and its wait queue are refused with 503 at once while the database is blocked")
  void createsBeyondTheWaitQueueAreShedAtOnce() throws Exception {
    String identity = new JsonObject().put("identity",
        new JsonObject().put("kind", "email").put("subject", "busy@example.com")).encode();
    Api api = new Api(node.httpPort());
    assertThat(api.post("/api/v1/internal/sessions", INTERNAL, identity).statusCode()).isEqualTo(201);

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    try (Connection blocker = TestPostgres.connect(database); Statement s = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      // every INSERT into sessions now waits for this transaction, holding the pool's only connection
      s.execute("LOCK TABLE latchkey.sessions IN EXCLUSIVE MODE");
      for (int i = 0; i < REQUESTS; i++) {
        answers.add(client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/internal/sessions"))
            .header("Authorization", "Bearer " + INTERNAL)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(identity))
            .build(), HttpResponse.BodyHandlers.ofString()));
      }
      int admitted = POOL + MAX_WAITING;
      Eventually.await(Duration.ofSeconds(30), () -> answers.stream().filter(CompletableFuture::isDone).count(),
          done -> done >= REQUESTS - admitted, "the requests beyond the queue to be answered");
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        if (answer.isDone()) {
          HttpResponse<String> refused = answer.join();
          assertThat(refused.statusCode()).as("answered while the database is blocked").isEqualTo(503);
          assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
          assertThat(refused.headers().firstValue("retry-after")).isPresent();
          assertThat(Api.json(refused).getString("type")).isEqualTo("urn:latchkey:problem:overloaded");
        }
      }
      blocker.rollback();
    }

    long created = answers.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 201).count();
    long shed = answers.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 503).count();
    assertThat(created + shed).as("nothing but 201 and 503").isEqualTo(REQUESTS);
    assertThat(created).as("no more than the pool and its queue hold").isBetween(1L, (long) POOL + MAX_WAITING);
    assertThat(TestPostgres.count(database, "SELECT count(*) FROM sessions")).isEqualTo(1 + created);
  }
}
