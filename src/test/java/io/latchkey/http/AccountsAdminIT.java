package io.latchkey.http;

import static io.latchkey.http.ApiIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.DatabaseFingerprint;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §5b's account lifecycle through a real HTTP client against one node on a real PostgreSQL: disable and
 * enable, erasure, link and unlink, the account list and the audit trail, their bad input, and the races
 * (create against disable, two accounts linking one identity, two unlinks of the last two identities).
 */
class AccountsAdminIT {

  private static final String INTERNAL = "accounts-internal-key-0123456789";
  private static final String ADMIN = "accounts-admin-key-0123456789";
  private static final String ACCOUNTS = "/api/v1/admin/accounts";
  private static final String ME = "/api/v1/user/me";

  private static DatabaseTarget database;
  private static Application node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    node = Application.start(TestConfig.forDatabase(database, Map.of(
        "INTERNAL_API_KEYS", INTERNAL,
        "ADMIN_API_KEYS", ADMIN,
        // many 401s from 127.0.0.1 are the point here; RateLimitIT tests the limiter
        "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 0)));
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  private static HttpResponse<String> create(String kind, String subject) throws Exception {
    return api.post("/api/v1/internal/sessions", INTERNAL,
        new JsonObject().put("identity", new JsonObject().put("kind", kind).put("subject", subject)).encode());
  }

  private static JsonObject login(String email) throws Exception {
    HttpResponse<String> created = create("email", email);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created);
  }

  private static String identity(String kind, String subject) {
    return new JsonObject().put("kind", kind).put("subject", subject).encode();
  }

  private static List<String> audit(String accountId) throws Exception {
    HttpResponse<String> page = api.get("/api/v1/admin/audit?account_id=" + accountId + "&limit=1000", ADMIN);
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    List<String> events = new ArrayList<>();
    for (Object e : Api.json(page).getJsonArray("events")) {
      JsonObject event = (JsonObject) e;
      events.add(event.getString("action") + " " + event.getString("actor") + " " + event.getString("reason"));
    }
    return events;
  }

  private static DatabaseFingerprint fingerprint() throws Exception {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      return DatabaseFingerprint.of(c);
    }
  }

  private static long count(String sql, Object... params) throws Exception {
    try (Connection c = TestPostgres.connect(database); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  @DisplayName("disable revokes every session at once and refuses new ones with 403 account-disabled; enable lets new "
      + "ones in and leaves the old ones revoked; each step is audited")
  void disableAndEnable() throws Exception {
    JsonObject first = login("disable@example.com");
    JsonObject second = login("disable@example.com");
    String account = first.getString("account_id");
    assertThat(api.get(ME, first.getString("token")).statusCode()).isEqualTo(200);

    HttpResponse<String> disabled = api.post(ACCOUNTS + "/" + account + "/disable", ADMIN,
        new JsonObject().put("reason", "chargeback").encode());

    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
    assertThat(Api.json(disabled)).isEqualTo(new JsonObject().put("account_id", account).put("status", "disabled")
        .put("revoked", 2));
    assertProblem(api.get(ME, first.getString("token")), 401);
    assertProblem(api.get(ME, second.getString("token")), 401);
    HttpResponse<String> refused = create("email", "Disable@Example.com");
    assertProblem(refused, 403);
    assertThat(Api.json(refused).getString("type")).isEqualTo("urn:latchkey:problem:account-disabled");
    assertThat(Api.json(api.get(ACCOUNTS + "/" + account, ADMIN)).getString("status")).isEqualTo("disabled");
    assertThat(Api.json(api.get(ACCOUNTS + "?kind=email&subject=disable@example.com", ADMIN)).getString("status"))
        .isEqualTo("disabled");
    assertThat(count("SELECT count(*) FROM latchkey.sessions WHERE account_id = ? AND status = 'active'",
        UUID.fromString(account))).isZero();
    HttpResponse<String> again = api.post(ACCOUNTS + "/" + account + "/disable", ADMIN, null);
    assertThat(Api.json(again).getInteger("revoked")).as("idempotent").isZero();

    HttpResponse<String> enabled = api.post(ACCOUNTS + "/" + account + "/enable", ADMIN, null);

    assertThat(enabled.statusCode()).as(enabled.body()).isEqualTo(200);
    assertThat(Api.json(enabled)).isEqualTo(new JsonObject().put("account_id", account).put("status", "active"));
    assertProblem(api.get(ME, first.getString("token")), 401);
    JsonObject after = login("disable@example.com");
    assertThat(after.getString("account_id")).isEqualTo(account);
    assertThat(api.get(ME, after.getString("token")).statusCode()).isEqualTo(200);
    assertThat(audit(account)).containsExactly(
        "account.disabled admin chargeback",
        "session.revoked admin chargeback",
        "session.revoked admin chargeback",
        "account.disabled admin account-disabled",
        "account.enabled admin null");
  }

  @Test
  @DisplayName("disable and enable of an unknown account are 404, and bad input is 400 that changes nothing")
  void disableRefusesBadInput() throws Exception {
    String account = login("disable-input@example.com").getString("account_id");
    assertProblem(api.post(ACCOUNTS + "/" + UUID.randomUUID() + "/disable", ADMIN, null), 404);
    assertProblem(api.post(ACCOUNTS + "/" + UUID.randomUUID() + "/enable", ADMIN, null), 404);
    assertProblem(api.delete(ACCOUNTS + "/" + UUID.randomUUID(), ADMIN), 404);
    DatabaseFingerprint before = fingerprint();
    long events = count("SELECT count(*) FROM latchkey.audit_events");
    for (String body : List.of("[]", "nope", "{\"reason\":5}", "{\"reason\":\"\"}", "{\"reason\":\"a\\u0000b\"}",
        "{\"reason\":\"\\u202eevil\"}", new JsonObject().put("reason", "x".repeat(201)).encode())) {
      assertProblem(api.post(ACCOUNTS + "/" + account + "/disable", ADMIN, body), 400);
    }
    assertProblem(api.post(ACCOUNTS + "/not-a-uuid/disable", ADMIN, null), 400);
    assertProblem(api.post(ACCOUNTS + "/" + account + "/disable", INTERNAL, null), 403);
    assertThat(fingerprint()).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM latchkey.audit_events")).isEqualTo(events);
  }

  @Test
  @DisplayName("delete erases the account, its identities and sessions; its tokens are rejected; the identities sign "
      + "up again as a new account; the audit trail names the account id and no subject")
  void deleteErasesTheAccount() throws Exception {
    JsonObject session = login("erase-me@example.com");
    JsonObject revoked = login("erase-me@example.com");
    String account = session.getString("account_id");
    UUID id = UUID.fromString(account);
    assertThat(api.delete("/api/v1/user/sessions/current", revoked.getString("token")).statusCode()).isEqualTo(204);
    assertThat(api.post(ACCOUNTS + "/" + account + "/identities", ADMIN, identity("telegram", "77001")).statusCode())
        .isEqualTo(201);
    assertThat(api.get(ME, session.getString("token")).statusCode()).isEqualTo(200);

    assertThat(api.delete(ACCOUNTS + "/" + account, ADMIN).statusCode()).isEqualTo(204);

    assertProblem(api.get(ME, session.getString("token")), 401);
    assertThat(Api.json(api.post("/api/v1/internal/sessions/introspect", INTERNAL,
        new JsonObject().put("token", session.getString("token")).encode())).getBoolean("active")).isFalse();
    assertProblem(api.get(ACCOUNTS + "/" + account, ADMIN), 404);
    assertProblem(api.delete(ACCOUNTS + "/" + account, ADMIN), 404);
    assertProblem(api.get("/api/v1/internal/sessions/" + session.getString("session_id"), INTERNAL), 404);
    for (String table : List.of("accounts", "identities", "sessions")) {
      assertThat(count("SELECT count(*) FROM latchkey." + table + " WHERE account_id = ?", id)).as(table).isZero();
    }
    assertThat(count("SELECT count(*) FROM latchkey.revocation_log WHERE account_id = ? AND session_id = ? "
        + "AND reason = 'account-deleted' AND actor = 'admin'", id, UUID.fromString(session.getString("session_id"))))
        .as("the active session's revocation is logged, with its token hash").isEqualTo(1);
    assertThat(audit(account)).containsExactly(
        "session.revoked user logout",
        "identity.linked admin telegram",
        "account.deleted admin null",
        "session.revoked admin account-deleted");
    assertThat(count("SELECT count(*) FROM latchkey.audit_events WHERE to_jsonb(audit_events)::text LIKE '%erase-me%' "
        + "OR to_jsonb(audit_events)::text LIKE '%77001%'")).as("no subject in the audit trail").isZero();

    JsonObject again = Api.json(create("telegram", "77001"));
    assertThat(again.getBoolean("account_created")).isTrue();
    assertThat(again.getString("account_id")).isNotEqualTo(account);
    assertThat(login("erase-me@example.com").getBoolean("account_created")).isTrue();
  }

  @Test
  @DisplayName("link answers 201 with the account, 200 when it already holds the identity, 409 when another does, "
      + "404 for no account; the internal tier links too; unlink is 204, then 404, and 409 for the last identity")
  void linkAndUnlink() throws Exception {
    JsonObject alice = login("link-alice@example.com");
    String account = alice.getString("account_id");
    String other = login("link-other@example.com").getString("account_id");
    String path = ACCOUNTS + "/" + account + "/identities";

    HttpResponse<String> linked = api.post(path, ADMIN, identity("email", " Link-Second@Example.com "));
    assertThat(linked.statusCode()).as(linked.body()).isEqualTo(201);
    JsonObject shape = Api.json(linked);
    assertThat(shape.fieldNames()).containsExactlyInAnyOrder("account_id", "status", "created_at", "identities");
    assertThat(shape.getJsonArray("identities")).containsExactly(
        new JsonObject().put("kind", "email").put("subject", "link-alice@example.com"),
        new JsonObject().put("kind", "email").put("subject", "link-second@example.com"));
    assertThat(Api.json(api.get(ME, alice.getString("token"))).getJsonArray("identities"))
        .as("the cached account is dropped").hasSize(2);
    assertThat(api.post(path, ADMIN, identity("email", "link-second@example.com")).statusCode()).isEqualTo(200);
    HttpResponse<String> internal = api.post("/api/v1/internal/accounts/" + account + "/identities", INTERNAL,
        identity("telegram", "5550001"));
    assertThat(internal.statusCode()).as(internal.body()).isEqualTo(201);
    assertThat(Api.json(internal).getJsonArray("identities")).hasSize(3);
    HttpResponse<String> taken = api.post(ACCOUNTS + "/" + other + "/identities", ADMIN, identity("telegram", "5550001"));
    assertProblem(taken, 409);
    assertThat(Api.json(taken).getString("type")).isEqualTo("urn:latchkey:problem:identity-taken");
    assertProblem(api.post(ACCOUNTS + "/" + UUID.randomUUID() + "/identities", ADMIN, identity("telegram", "5550002")), 404);
    assertProblem(api.post("/api/v1/internal/accounts/" + account + "/identities", ADMIN, identity("telegram", "1")), 403);

    assertThat(api.delete(path + "/email/Link-Second%40EXAMPLE.com", ADMIN).statusCode())
        .as("the path's subject is decoded and normalised").isEqualTo(204);
    HttpResponse<String> notLinked = api.delete(path + "/email/link-second%40example.com", ADMIN);
    assertProblem(notLinked, 404);
    assertThat(Api.json(notLinked).getString("type")).isEqualTo("urn:latchkey:problem:identity-not-found");
    assertProblem(api.delete(ACCOUNTS + "/" + other + "/identities/telegram/5550001", ADMIN), 404);
    assertThat(api.delete(path + "/telegram/5550001", ADMIN).statusCode()).isEqualTo(204);
    HttpResponse<String> last = api.delete(path + "/email/link-alice@example.com", ADMIN);
    assertProblem(last, 409);
    assertThat(Api.json(last).getString("type")).isEqualTo("urn:latchkey:problem:last-identity");
    assertProblem(api.delete(ACCOUNTS + "/" + UUID.randomUUID() + "/identities/email/a@example.com", ADMIN), 404);
    assertThat(Api.json(api.get(ME, alice.getString("token"))).getJsonArray("identities")).hasSize(1);
    assertThat(audit(account)).containsExactly("identity.linked admin email", "identity.linked internal telegram",
        "identity.unlinked admin email", "identity.unlinked admin telegram");
  }

  @ParameterizedTest(name = "body {0}")
  @ValueSource(strings = {"", "[]", "{}", "{\"kind\":\"fax\",\"subject\":\"1\"}", "{\"kind\":\"email\"}",
      "{\"kind\":\"email\",\"subject\":5}", "{\"kind\":\"email\",\"subject\":\"nope\"}",
      "{\"kind\":\"telegram\",\"subject\":\"-5\"}", "{\"kind\":\"email\",\"subject\":\"a\\u200b@example.com\"}"})
  void linkRefusesBadInputAndChangesNothing(String body) throws Exception {
    String account = login("link-input@example.com").getString("account_id");
    DatabaseFingerprint before = fingerprint();
    assertProblem(api.post(ACCOUNTS + "/" + account + "/identities", ADMIN, body), 400);
    assertProblem(api.post("/api/v1/internal/accounts/" + account + "/identities", INTERNAL, body), 400);
    assertThat(fingerprint()).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fax/1", "email/nope", "telegram/007", "email/a%E2%80%8B%40example.com", "email/%00",
      "telegram/-1"})
  void unlinkRefusesBadIdentitiesAndChangesNothing(String kindAndSubject) throws Exception {
    String account = login("unlink-input@example.com").getString("account_id");
    DatabaseFingerprint before = fingerprint();
    assertProblem(api.delete(ACCOUNTS + "/" + account + "/identities/" + kindAndSubject, ADMIN), 400);
    assertThat(fingerprint()).isEqualTo(before);
  }

  @Test
  @DisplayName("the account list pages by id, oldest first, with every account once and next null at the end")
  void listsAccountsPagedById() throws Exception {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(login("list-" + i + "@example.com").getString("account_id"));
    }
    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      HttpResponse<String> page = api.get(ACCOUNTS + "?limit=2" + (after == null ? "" : "&after=" + after), ADMIN);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      JsonArray accounts = Api.json(page).getJsonArray("accounts");
      assertThat(accounts.size()).isLessThanOrEqualTo(2);
      for (Object a : accounts) {
        JsonObject account = (JsonObject) a;
        assertThat(account.fieldNames()).containsExactlyInAnyOrder("account_id", "status", "created_at", "identities");
        seen.add(account.getString("account_id"));
      }
      after = Api.json(page).getString("next");
      pages++;
    } while (after != null && pages < 1000);
    assertThat(seen).doesNotHaveDuplicates().containsAll(made);
    assertThat(seen).isSortedAccordingTo(String::compareTo);
    assertThat(seen).hasSize((int) count("SELECT count(*) FROM latchkey.accounts"));
    JsonObject all = Api.json(api.get(ACCOUNTS, ADMIN));
    assertThat(all.getJsonArray("accounts").size()).isEqualTo(Math.min(100, seen.size()));
    String last = made.get(made.size() - 1);
    assertThat(Api.json(api.get(ACCOUNTS + "?after=" + last, ADMIN)).getJsonArray("accounts").stream()
        .map(a -> ((JsonObject) a).getString("account_id"))).allMatch(a -> a.compareTo(last) > 0);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"limit=0", "limit=1001", "limit=-1", "limit=abc", "limit=", "limit=1&limit=2", "limit=1e2",
      "after=nope", "after=", "after=018f0000-0000-7000-8000-00000000000g", "kind=email", "subject=a@example.com",
      "kind=email&subject=a@example.com&limit=5", "kind=email&subject=a@example.com&after=" + "018f0000-0000-7000-8000-000000000001"})
  void theAccountListRefusesBadQueries(String query) throws Exception {
    assertProblem(api.get(ACCOUNTS + "?" + query, ADMIN), 400);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"limit=0", "limit=1001", "limit=x", "after=nope", "account_id=nope", "account_id=",
      "account_id=018f0000-0000-7000-8000-000000000001&account_id=018f0000-0000-7000-8000-000000000002"})
  void theAuditTrailRefusesBadQueries(String query) throws Exception {
    assertProblem(api.get("/api/v1/admin/audit?" + query, ADMIN), 400);
  }

  @Test
  @DisplayName("the audit trail pages by event id, oldest first, across every account or one")
  void theAuditTrailPages() throws Exception {
    JsonObject session = login("audit-pages@example.com");
    String account = session.getString("account_id");
    for (int i = 0; i < 3; i++) {
      api.post(ACCOUNTS + "/" + account + "/disable", ADMIN, null);
      api.post(ACCOUNTS + "/" + account + "/enable", ADMIN, null);
    }
    List<String> ids = new ArrayList<>();
    String after = null;
    do {
      JsonObject page = Api.json(api.get("/api/v1/admin/audit?limit=2&account_id=" + account
          + (after == null ? "" : "&after=" + after), ADMIN));
      for (Object e : page.getJsonArray("events")) {
        JsonObject event = (JsonObject) e;
        assertThat(event.fieldNames()).containsExactlyInAnyOrder("event_id", "at", "actor", "action", "account_id",
            "session_id", "reason");
        assertThat(event.getString("account_id")).isEqualTo(account);
        ids.add(event.getString("event_id"));
      }
      after = page.getString("next");
    } while (after != null);
    assertThat(ids).hasSize(7).doesNotHaveDuplicates().isSortedAccordingTo(String::compareTo);
    JsonArray everything = Api.json(api.get("/api/v1/admin/audit?limit=1000", ADMIN)).getJsonArray("events");
    assertThat(everything.stream().map(e -> ((JsonObject) e).getString("event_id")).toList()).containsAll(ids);
  }

  @Test
  @DisplayName("creates racing a disable never leave a live session on the disabled account")
  void createsRacingADisableLeaveNoLiveSession() throws Exception {
    int workers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      int created = 0;
      int refused = 0;
      for (int round = 0; round < 8; round++) {
        String email = "race-" + round + "@example.com";
        String account = login(email).getString("account_id");
        // every worker creates sessions in a loop until it is refused; the disable goes out once the creates
        // are well under way, so some are in flight on either side of its commit
        CountDownLatch underWay = new CountDownLatch(2 * workers);
        List<Future<List<HttpResponse<String>>>> loops = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          String subject = w % 2 == 0 ? email : email.toUpperCase(java.util.Locale.ROOT);
          loops.add(pool.submit(() -> {
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
              HttpResponse<String> answer = create("email", subject);
              answers.add(answer);
              underWay.countDown();
              if (answer.statusCode() != 201) {
                break;
              }
            }
            return answers;
          }));
        }
        underWay.await();
        assertThat(api.post(ACCOUNTS + "/" + account + "/disable", ADMIN, null).statusCode()).isEqualTo(200);
        for (Future<List<HttpResponse<String>>> loop : loops) {
          List<HttpResponse<String>> answers = loop.get();
          assertThat(answers.get(answers.size() - 1).statusCode()).as("each worker ends refused").isEqualTo(403);
          for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.body()).isIn(201, 403);
            if (answer.statusCode() == 201) {
              created++;
              assertProblem(api.get(ME, Api.json(answer).getString("token")), 401);
            } else {
              refused++;
            }
          }
        }
        assertThat(count("SELECT count(*) FROM latchkey.sessions WHERE account_id = ? AND status = 'active'",
            UUID.fromString(account))).as("round %d: active sessions of the disabled account", round).isZero();
      }
      System.out.printf("create/disable race: %d creates committed (all revoked by the disable), %d refused%n",
          created, refused);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("two accounts linking one identity at once: exactly one wins; two unlinks of the last two identities: "
      + "exactly one succeeds")
  void linkAndUnlinkRacesHaveOneWinner() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 10; round++) {
        String a = login("link-race-a" + round + "@example.com").getString("account_id");
        String b = login("link-race-b" + round + "@example.com").getString("account_id");
        String contested = identity("telegram", Integer.toString(880000 + round));
        CountDownLatch go = new CountDownLatch(1);
        Future<HttpResponse<String>> forA = pool.submit(gated(go,
            () -> api.post(ACCOUNTS + "/" + a + "/identities", ADMIN, contested)));
        Future<HttpResponse<String>> forB = pool.submit(gated(go,
            () -> api.post("/api/v1/internal/accounts/" + b + "/identities", INTERNAL, contested)));
        go.countDown();
        List<Integer> statuses = List.of(forA.get().statusCode(), forB.get().statusCode());
        assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(201, 409);
        assertThat(count("SELECT count(*) FROM latchkey.identities WHERE kind = 'telegram' AND subject = ?",
            Integer.toString(880000 + round))).isEqualTo(1);

        String winner = statuses.get(0) == 201 ? a : b;
        String path = ACCOUNTS + "/" + winner + "/identities/";
        String email = winner.equals(a) ? "link-race-a" + round + "@example.com" : "link-race-b" + round + "@example.com";
        CountDownLatch again = new CountDownLatch(1);
        String telegram = path + "telegram/" + (880000 + round);
        Future<HttpResponse<String>> one = pool.submit(gated(again, () -> api.delete(telegram, ADMIN)));
        Future<HttpResponse<String>> two = pool.submit(gated(again, () -> api.delete(path + "email/" + email, ADMIN)));
        again.countDown();
        assertThat(List.of(one.get().statusCode(), two.get().statusCode())).as("round %d", round)
            .containsExactlyInAnyOrder(204, 409);
        assertThat(count("SELECT count(*) FROM latchkey.identities WHERE account_id = ?", UUID.fromString(winner)))
            .isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> Callable<T> gated(CountDownLatch go, Callable<T> call) {
    return () -> {
      go.await();
      return call.call();
    };
  }
}
