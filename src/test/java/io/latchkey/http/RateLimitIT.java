package io.latchkey.http;

import static io.latchkey.http.ApiIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.session.Tokens;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Per-address limits of failed authentications and of the public tier, on real nodes. The nodes trust one
 * proxy hop, so each test plays its own client addresses through {@code X-Forwarded-For}.
 */
class RateLimitIT {

  private static final String INTERNAL = ApiIT.INTERNAL;
  private static final String ADMIN = ApiIT.ADMIN;
  private static final String ME = "/api/v1/user/me";
  private static final String PING = "/api/v1/public/ping";
  private static final String XFF = "X-Forwarded-For";
  /** Where the tests' set-up calls come from: never an address a test exhausts. */
  private static final String SET_UP = "192.0.2.254";
  /** The strict node's failure budget and refill. */
  private static final int STRICT_BURST = 3;
  private static final Duration STRICT_REFILL = Duration.ofMinutes(1);

  private static DatabaseTarget database;

  /** Three failures, then one more a minute; three public requests, then one a second. */
  private static Application strict;
  /** Two failures, then one more a second: recovery within a test's patience. */
  private static Application quick;
  /** Both limits at 0. */
  private static Application off;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    strict = node(database, Map.of("RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 1,
        "RATE_LIMIT_AUTH_FAILURES_BURST", STRICT_BURST, "RATE_LIMIT_PUBLIC_PER_SECOND", 1, "RATE_LIMIT_PUBLIC_BURST", 3,
        // a lookup held by a test's lock waits for it (for a connection, then for its answer) rather than ending in 503
        "DB_CONNECT_TIMEOUT_MS", 30_000, "DB_STATEMENT_TIMEOUT_MS", 30_000, "EVENT_BUS_TIMEOUT_MS", 30_000));
    quick = node(database, Map.of("RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 60, "RATE_LIMIT_AUTH_FAILURES_BURST", 2));
    off = node(database, Map.of("RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 0, "RATE_LIMIT_PUBLIC_PER_SECOND", 0));
  }

  private static Application node(DatabaseTarget database, Map<String, Object> limits) throws Exception {
    Map<String, Object> settings = new HashMap<>(limits);
    settings.put("INTERNAL_API_KEYS", INTERNAL);
    settings.put("ADMIN_API_KEYS", ADMIN);
    settings.put("HTTP_TRUSTED_PROXY_HOPS", 1);
    settings.put("HTTP_INSTANCES", 2);
    Application node = Application.start(TestConfig.forDatabase(database, settings));
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
    return node;
  }

  @AfterAll
  static void stop() throws Exception {
    for (Application node : new Application[] {strict, quick, off}) {
      if (node != null) {
        node.stop();
      }
    }
  }

  private static String newAddress() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
  }

  private static String login(Api api, JsonObject extra) throws Exception {
    JsonObject body = extra.put("identity",
        new JsonObject().put("kind", "email").put("subject", "limits-" + UUID.randomUUID() + "@example.com"));
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", INTERNAL, body.encode(), XFF, SET_UP);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created).getString("token");
  }

  private static void assertRateLimited(HttpResponse<String> response, int maxSeconds) {
    assertProblem(response, 429);
    assertThat(Api.json(response).getString("type")).isEqualTo("urn:latchkey:problem:rate-limited");
    assertThat(response.headers().firstValue("retry-after")).hasValueSatisfying(
        seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, maxSeconds));
  }

  @Test
  @DisplayName("every kind of 401 counts; once the burst is spent the address gets 429 with Retry-After")
  void failedAuthenticationsOfEveryKindCountThenTheAddressIs429() throws Exception {
    Api api = new Api(strict.httpPort());
    String bound = login(api, new JsonObject().put("client_public_key",
        Base64.getEncoder().encodeToString(io.latchkey.auth.signature.Ed25519.raw(
            java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()))));
    String address = newAddress();

    assertProblem(api.get(ME, Tokens.generate(), XFF, address), 401);
    assertProblem(api.get("/api/v1/internal/sessions/" + UUID.randomUUID(), "not-the-key-0123456789", XFF, address), 401);
    assertProblem(api.get(ME, bound, XFF, address), 401);  // a device-bound session without its signature

    HttpResponse<String> refused = api.get("/api/v1/admin/accounts/" + UUID.randomUUID(), "garbage", XFF, address);
    assertRateLimited(refused, 60);
    assertThat(refused.headers().firstValue("www-authenticate")).isEmpty();
    assertThat(refused.headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  @DisplayName("a blocked address is refused before its credentials are checked, on every authenticated tier")
  void aBlockedAddressIsRefusedEvenWithValidCredentials() throws Exception {
    Api api = new Api(strict.httpPort());
    String token = login(api, new JsonObject());
    String blocked = newAddress();
    for (int i = 0; i < 3; i++) {
      assertProblem(api.get(ME, "garbage", XFF, blocked), 401);
    }

    assertRateLimited(api.get(ME, token, XFF, blocked), 60);
    assertRateLimited(api.get("/api/v1/internal/sessions/" + UUID.randomUUID(), INTERNAL, XFF, blocked), 60);
    assertRateLimited(api.get("/api/v1/admin/accounts/" + UUID.randomUUID(), ADMIN, XFF, blocked), 60);
    assertRateLimited(api.post("/api/v1/internal/sessions/introspect", INTERNAL,
        new JsonObject().put("token", token).encode(), XFF, blocked), 60);

    assertThat(api.get(ME, token, XFF, newAddress()).statusCode()).as("another address").isEqualTo(200);
    assertThat(api.get(PING, null, XFF, blocked).statusCode()).as("the public tier has its own budget").isEqualTo(200);
  }

  @Test
  @DisplayName("successful authentications take nothing from the failure budget")
  void successesDoNotSpendTheFailureBudget() throws Exception {
    Api api = new Api(strict.httpPort());
    String token = login(api, new JsonObject());
    String address = newAddress();

    assertProblem(api.get(ME, "garbage", XFF, address), 401);
    assertProblem(api.get(ME, "garbage", XFF, address), 401);
    for (int i = 0; i < 20; i++) {
      assertThat(api.get(ME, token, XFF, address).statusCode()).isEqualTo(200);
      assertThat(api.get("/api/v1/internal/sessions/" + UUID.randomUUID(), INTERNAL, XFF, address).statusCode())
          .isEqualTo(404);
    }
    assertProblem(api.get(ME, "garbage", XFF, address), 401);

    assertRateLimited(api.get(ME, token, XFF, address), 60);
  }

  @Test
  @DisplayName("failures that overlap cost as much as failures in a row: with every lookup held in flight, only the "
      + "budget's worth are checked, the rest are 429 at once")
  void overlappingFailuresCannotOverdrawTheBudget() throws Exception {
    Api api = new Api(strict.httpPort());
    String token = login(api, new JsonObject());
    String address = newAddress();
    int requests = 24;
    // HTTP/1.1 without pipelining: one connection per request in flight, so all of them overlap
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    long started = System.nanoTime();
    try (Connection blocker = TestPostgres.connect(database)) {
      blocker.setAutoCommit(false);
      // the lookup of every unknown token now waits for this transaction: the checks cannot finish early
      blocker.createStatement().execute("LOCK TABLE latchkey.sessions IN ACCESS EXCLUSIVE MODE");
      for (int i = 0; i < requests; i++) {
        answers.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + strict.httpPort() + ME))
            .header("Authorization", "Bearer " + Tokens.generate())
            .header(XFF, address)
            .build(), HttpResponse.BodyHandlers.ofString()));
      }
      Eventually.await(Duration.ofSeconds(10), () -> answers.stream().filter(CompletableFuture::isDone).count(),
          done -> done >= requests - STRICT_BURST,
          "the requests beyond the budget to be refused while the others' lookups are held");
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        if (answer.isDone()) {
          assertRateLimited(answer.join(), 60);
        }
      }
      blocker.rollback();
    }
    List<HttpResponse<String>> responses = answers.stream().map(CompletableFuture::join).toList();
    long elapsed = System.nanoTime() - started;

    long unauthorized = responses.stream().filter(r -> r.statusCode() == 401).count();
    long refused = responses.stream().filter(r -> r.statusCode() == 429).count();
    long budget = STRICT_BURST + elapsed / STRICT_REFILL.toNanos();
    assertThat(unauthorized + refused).as("nothing but 401 and 429").isEqualTo(requests);
    assertThat(unauthorized).as("401s: the burst, plus what refilled in %d ms", elapsed / 1_000_000)
        .isBetween(1L, budget);
    assertRateLimited(api.get(ME, token, XFF, address), 60);
  }

  @Test
  @DisplayName("accepted credentials give their hold back at once: overlapping requests whose actions wait for the "
      + "database cost nothing and are never 429")
  void acceptedCredentialsHoldNothingWhileTheirActionWaits() throws Exception {
    Api api = new Api(strict.httpPort());
    String address = newAddress();
    // twice the budget, and few enough that each lookup has a connection of the pool to wait on
    int requests = 2 * STRICT_BURST;
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    try (Connection blocker = TestPostgres.connect(database)) {
      blocker.setAutoCommit(false);
      blocker.createStatement().execute("LOCK TABLE latchkey.sessions IN ACCESS EXCLUSIVE MODE");
      for (int i = 0; i < requests; i++) {
        answers.add(client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + strict.httpPort() + "/api/v1/internal/sessions/introspect"))
            .header("Authorization", "Bearer " + INTERNAL)
            .header("Content-Type", "application/json")
            .header(XFF, address)
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", Tokens.generate()).encode()))
            .build(), HttpResponse.BodyHandlers.ofString()));
      }
      // past the guard, all at once: every one of them waits on the lock with its lookup
      String waitingLookups = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
          + "AND wait_event_type = 'Lock' AND query LIKE '%FROM sessions WHERE token_hash = $1%'";
      Eventually.await(Duration.ofSeconds(10), () -> TestPostgres.count(database, waitingLookups),
          waiting -> waiting == requests, "every introspection's lookup to wait for the lock");
      blocker.rollback();
    }

    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> introspected = answer.join();
      assertThat(introspected.statusCode()).as(introspected.body()).isEqualTo(200);
      assertThat(Api.json(introspected).getBoolean("active")).isFalse();
    }
    for (int i = 0; i < STRICT_BURST; i++) {
      assertProblem(api.get(ME, "garbage", XFF, address), 401);
    }
    assertRateLimited(api.get(ME, "garbage", XFF, address), 60);
  }

  @Test
  @DisplayName("only the entry the trusted proxy appended counts: what the client wrote to its left does not")
  void clientWrittenForwardedEntriesDoNotEscapeTheLimit() throws Exception {
    Api api = new Api(strict.httpPort());
    String address = newAddress();

    for (int i = 0; i < 3; i++) {
      assertProblem(api.get(ME, "garbage", XFF, newAddress() + ", " + address), 401);
    }

    assertRateLimited(api.get(ME, "garbage", XFF, newAddress() + ", " + address), 60);
    assertProblem(api.get(ME, "garbage", XFF, address + ", " + newAddress()), 401);
  }

  @Test
  @DisplayName("the public tier allows a burst per address, then 429; health checks are not limited")
  void publicRequestsAreLimitedPerAddress() throws Exception {
    Api api = new Api(strict.httpPort());
    String address = newAddress();
    for (int i = 0; i < 3; i++) {
      assertThat(api.get(PING, null, XFF, address).statusCode()).isEqualTo(200);
    }

    HttpResponse<String> refused = null;
    for (int i = 0; i < 10 && refused == null; i++) {
      HttpResponse<String> response = api.get(PING, null, XFF, address);
      if (response.statusCode() != 200) {
        refused = response;
      }
    }

    assertThat(refused).as("a 429 within ten requests over a burst of three at one a second").isNotNull();
    assertRateLimited(refused, 1);
    assertProblem(api.get("/api/v1/public/nothing", null, XFF, address), 429);
    assertThat(api.get(PING, null, XFF, newAddress()).statusCode()).as("another address").isEqualTo(200);
    for (int i = 0; i < 10; i++) {
      assertThat(api.get("/healthz", null, XFF, address).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a blocked address gets its budget back as its bucket refills")
  void aBlockedAddressRecoversAfterTheRefill() throws Exception {
    Api api = new Api(quick.httpPort());
    String token = login(api, new JsonObject());
    String address = newAddress();
    assertProblem(api.get(ME, "garbage", XFF, address), 401);
    assertProblem(api.get(ME, "garbage", XFF, address), 401);
    HttpResponse<String> refused = api.get(ME, token, XFF, address);
    assertRateLimited(refused, 1);

    Eventually.await(Duration.ofSeconds(10), () -> api.get(ME, token, XFF, address), r -> r.statusCode() == 200,
        "the address to be let in again");

    assertProblem(api.get(ME, "garbage", XFF, address), 401);
  }

  @Test
  @DisplayName("refusals are counted by kind, never by address")
  void refusalsAreCountedByKind() throws Exception {
    Api api = new Api(strict.httpPort());
    String address = newAddress();
    for (int i = 0; i < 4; i++) {
      api.get(ME, "garbage", XFF, address);
    }
    for (int i = 0; i < 10; i++) {
      api.get(PING, null, XFF, address);
    }

    String metrics = api.get("/metrics", null).body();

    assertThat(counter(metrics, "latchkey_rate_limited_total{kind=\"auth\"}")).isPositive();
    assertThat(counter(metrics, "latchkey_rate_limited_total{kind=\"public\"}")).isPositive();
    assertThat(counter(metrics, "latchkey_rate_limit_addresses{kind=\"auth\"}")).isPositive();
    assertThat(metrics).doesNotContain(address).doesNotContain(SET_UP);
  }

  @Test
  @DisplayName("with both rates at 0 nothing is limited")
  void zeroTurnsTheLimitsOff() throws Exception {
    Api api = new Api(off.httpPort());
    String address = newAddress();

    for (int i = 0; i < 50; i++) {
      assertProblem(api.get(ME, "garbage", XFF, address), 401);
      assertThat(api.get(PING, null, XFF, address).statusCode()).isEqualTo(200);
    }
  }

  private static double counter(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + series + " in the scrape");
  }
}
