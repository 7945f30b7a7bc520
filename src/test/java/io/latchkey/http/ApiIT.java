package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.session.Tokens;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.RawHttp;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every row of SPEC §5a through a real HTTP client against a whole node on a real PostgreSQL. */
class ApiIT {

  static final String INTERNAL = "internal-key-0123456789abcdef";
  static final String ADMIN = "admin-key-0123456789abcdef";
  private static final String SESSIONS = "/api/v1/internal/sessions";

  private static DatabaseTarget database;
  private static Application node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    node = Application.start(TestConfig.forDatabase(database, Map.of(
        "INTERNAL_API_KEYS", "other-internal-key-000000," + INTERNAL,
        "ADMIN_API_KEYS", ADMIN,
        "HTTP_MAX_BODY_BYTES", 4096,
        // every failure below comes from 127.0.0.1; the limiter stays in the path but RateLimitIT tests it
        "RATE_LIMIT_AUTH_FAILURES_BURST", 1000)));
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  /** A new user with one session; returns the 201 body. */
  static JsonObject login(String email) throws Exception {
    return login(new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)));
  }

  static JsonObject login(JsonObject body) throws Exception {
    HttpResponse<String> created = api.post(SESSIONS, INTERNAL, body.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created);
  }

  static void assertProblem(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject problem = Api.json(response);
    assertThat(problem.fieldNames()).contains("type", "title", "status", "detail")
        // error: RFC 6749 §5.2's code, which the two OAuth endpoints add (OAuthEndpointsIT)
        .isSubsetOf("type", "title", "status", "detail", "error");
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.");
    if (status == 401) {
      // Basic first on the two OAuth endpoints (OAuthEndpointsIT), Bearer everywhere else
      assertThat(response.headers().allValues("www-authenticate")).contains("Bearer realm=\"latchkey\"");
    }
  }

  static long accounts() throws Exception {
    return TestPostgres.count(database, "SELECT count(*) FROM accounts");
  }

  static long sessions() throws Exception {
    return TestPostgres.count(database, "SELECT count(*) FROM sessions");
  }

  @Nested
  class Public {

    @Test
    void pingAnswersWithoutCredentials() throws Exception {
      HttpResponse<String> ping = api.get("/api/v1/public/ping", null);

      assertThat(ping.statusCode()).isEqualTo(200);
      assertThat(Api.json(ping).getString("status")).isEqualTo("ok");
    }

    @Test
    @DisplayName("without SMTP_URL (and not on the embedded default) or a Telegram bot, logins are 503 login-method-unavailable; bad input is still 400")
    void loginsWithoutTheirConfigurationAreUnavailable() throws Exception {
      String initData = "user=%7B%22id%22%3A7%7D&auth_date=1700000000&hash=" + "ab".repeat(32);
      for (String[] call : new String[][] {
          {"/api/v1/public/login/email", "{\"email\":\"a@example.com\"}"},
          {"/api/v1/public/login/email/verify", "{\"challenge_id\":\"" + UUID.randomUUID() + "\",\"code\":\"123456\"}"},
          {"/api/v1/public/login/telegram", new JsonObject().put("init_data", initData).encode()}}) {
        HttpResponse<String> response = api.post(call[0], null, call[1]);
        assertThat(response.statusCode()).as(call[0]).isEqualTo(503);
        assertThat(Api.json(response).getString("type")).isEqualTo("urn:latchkey:problem:login-method-unavailable");
      }
      assertProblem(api.post("/api/v1/public/login/email", null, "{\"email\":\"nope\"}"), 400);
    }

    @Test
    void theOpenApiDocumentIsServed() throws Exception {
      HttpResponse<String> doc = api.get("/api/v1/public/openapi.json", null);

      assertThat(doc.statusCode()).isEqualTo(200);
      assertThat(Api.json(doc).getString("openapi")).isEqualTo("3.1.0");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a request line ended by a bare LF | 400 | GET /api/v1/public/ping HTTP/1.1~Host: x;",
        "a header name with a space | 400 | GET /api/v1/public/ping HTTP/1.1;Host: x;Bad Name: x;",
        "an overlong request line | 414 | GET /api/v1/public/ping?q={big} HTTP/1.1;Host: x;",
        "an overlong header | 431 | GET /api/v1/public/ping HTTP/1.1;Host: x;X-Big: {big};",
        "a truncated %-escape in the path | 400 | GET /api/v1/public/ping% HTTP/1.1;Host: x;",
        "an invalid %-escape in a guarded path | 400 | GET /api/v1/user/me%zz HTTP/1.1;Host: x;",
        "a truncated %-escape in the query | 400 | GET /api/v1/admin/accounts/{uuid}?% HTTP/1.1;Host: x;Authorization: Bearer {internal};",
        "an invalid %-escape in a query parameter | 400 | GET /api/v1/admin/accounts?kind=email&subject=%zz HTTP/1.1;Host: x;Authorization: Bearer {admin};",
        "an HTTP/1.1 request without a Host | 400 | GET /api/v1/public/ping HTTP/1.1;",
        "an invalid Host | 400 | GET /api/v1/public/ping HTTP/1.1;Host: a b;",
    })
    void malformedRequestsAreProblemsToo(String what, int status, String lines) throws Exception {
      String request = lines.replace(";", "\r\n").replace("~", "\n").replace("{big}", "x".repeat(20_000))
          .replace("{uuid}", UUID.randomUUID().toString()).replace("{internal}", INTERNAL).replace("{admin}", ADMIN)
          + "Connection: close\r\n\r\n";

      RawHttp.Response response = RawHttp.exchange(node.httpPort(), request.getBytes(StandardCharsets.ISO_8859_1), false,
          false, Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("closed without an answer"));

      assertThat(response.status()).isEqualTo(status);
      assertThat(response.header("content-type")).hasValue("application/problem+json");
      JsonObject problem = new JsonObject(response.bodyText());
      assertThat(problem.fieldNames()).containsExactlyInAnyOrder("type", "title", "status", "detail");
      assertThat(problem.getInteger("status")).isEqualTo(status);
    }

    @Test
    void anH2cUpgradeIsDeclinedAndTheRequestAnsweredInHttp1() throws Exception {
      String request = "GET /api/v1/public/ping HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nHTTP2-Settings: !!!\r\n"
          + "Connection: Upgrade, HTTP2-Settings\r\n\r\n";

      RawHttp.Response response = RawHttp.exchange(node.httpPort(), request.getBytes(StandardCharsets.ISO_8859_1), false,
          false, Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("closed without an answer"));

      assertThat(response.status()).isEqualTo(200);
      assertThat(new JsonObject(response.bodyText()).getString("status")).isEqualTo("ok");
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() throws Exception {
      assertProblem(api.get("/api/v1/public/nothing", null), 404);
      assertProblem(api.get("/nothing", null), 404);
      assertProblem(api.send("PUT", "/api/v1/public/ping", null, "{}"), 405);
      assertProblem(api.send("PATCH", "/api/v1/internal/sessions/introspect", INTERNAL, "{}"), 405);
    }
  }

  @Nested
  class CreateSession {

    @Test
    void createsTheAccountOnFirstLoginAndFindsItAfterwards() throws Exception {
      JsonObject first = login("New.User@Example.com");
      JsonObject second = login("new.user@example.com");

      assertThat(first.fieldNames()).containsExactlyInAnyOrder("token", "session_id", "account_id", "account_created");
      assertThat(first.getString("token")).matches("lk_[A-Za-z0-9_-]{43}");
      assertThat(first.getBoolean("account_created")).isTrue();
      assertThat(second.getBoolean("account_created")).isFalse();
      assertThat(second.getString("account_id")).isEqualTo(first.getString("account_id"));
      assertThat(second.getString("session_id")).isNotEqualTo(first.getString("session_id"));
    }

    @Test
    void storesTheClientKeyAndDeviceOfANewAndOfAKnownIdentity() throws Exception {
      // the first login creates the account; the second takes the known identity's one-statement path
      for (String device : List.of("iPhone", "Pixel")) {
        byte[] raw = io.latchkey.auth.signature.Ed25519.raw(
            java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
        String key = Base64.getEncoder().encodeToString(raw);
        JsonObject created = login(new JsonObject()
            .put("identity", new JsonObject().put("kind", "telegram").put("subject", "5550001"))
            .put("client_public_key", key).put("device", device));

        JsonObject record = Api.json(api.get(SESSIONS + "/" + created.getString("session_id"), INTERNAL));

        assertThat(created.getBoolean("account_created")).isEqualTo(device.equals("iPhone"));
        assertThat(record.getString("client_public_key")).isEqualTo(key);
        assertThat(record.getString("account_id")).isEqualTo(created.getString("account_id"));
        HttpResponse<String> list = api.get("/api/v1/admin/accounts/" + created.getString("account_id") + "/sessions",
            ADMIN);
        assertThat(Api.json(list).getJsonArray("sessions").getJsonObject(0).getString("device")).isEqualTo(device);
      }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "{not json", "", "[]", "\"text\"", "42", "{}", "{\"identity\":null}", "{\"identity\":\"email\"}",
        "{\"identity\":{\"kind\":\"phone\",\"subject\":\"+491234\"}}",
        "{\"identity\":{\"kind\":\"email\",\"subject\":\"not-an-email\"}}",
        "{\"identity\":{\"kind\":\"email\",\"subject\":42}}",
        "{\"identity\":{\"kind\":\"telegram\",\"subject\":\"-7\"}}",
        "{\"identity\":{\"kind\":\"telegram\",\"subject\":\"12abc\"}}",
        "{\"identity\":{\"subject\":\"a@example.com\"}}",
        "{\"identity\":{\"kind\":\"email\",\"subject\":\"a@example.com\"},\"client_public_key\":\"%%%\"}",
        "{\"identity\":{\"kind\":\"email\",\"subject\":\"a@example.com\"},\"client_public_key\":\"AAAA\"}",
        "{\"identity\":{\"kind\":\"email\",\"subject\":\"a@example.com\"},\"client_public_key\":7}",
        "{\"identity\":{\"kind\":\"email\",\"subject\":\"a@example.com\"},\"device\":[\"x\"]}",
    })
    void badInputIsA400AndChangesNothing(String body) throws Exception {
      long accountsBefore = accounts();
      long sessionsBefore = sessions();

      assertProblem(api.send("POST", SESSIONS, INTERNAL, body), 400);

      assertThat(accounts()).isEqualTo(accountsBefore);
      assertThat(sessions()).isEqualTo(sessionsBefore);
    }

    @Test
    void anOverlongDeviceIsA400() throws Exception {
      String body = new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", "d@example.com"))
          .put("device", "d".repeat(201)).encode();
      assertProblem(api.post(SESSIONS, INTERNAL, body), 400);
    }

    @Test
    void anOversizedBodyIsA413() throws Exception {
      long before = sessions();
      String body = new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", "big@example.com"))
          .put("device", "x".repeat(5000)).encode();

      assertProblem(api.post(SESSIONS, INTERNAL, body), 413);
      assertThat(sessions()).isEqualTo(before);
    }

    @Test
    void aBodyThatIsNotJsonIsA415() throws Exception {
      assertProblem(api.send("POST", SESSIONS, INTERNAL, "kind=email", "Content-Type", "text/plain"), 415);
    }

    @Test
    void responsesCarryNoStore() throws Exception {
      HttpResponse<String> created = api.post(SESSIONS, INTERNAL,
          new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", "ns@example.com")).encode());

      assertThat(created.headers().firstValue("cache-control")).hasValue("no-store");
      assertThat(api.get("/api/v1/user/me", Api.json(created).getString("token")).headers().firstValue("cache-control"))
          .hasValue("no-store");
      assertThat(api.get("/api/v1/user/me", "nope").headers().firstValue("cache-control")).hasValue("no-store");
    }
  }

  @Nested
  class KeyTiers {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET /api/v1/internal/sessions/018f0000-0000-7000-8000-000000000001",
        "POST /api/v1/internal/sessions/introspect", "GET /api/v1/admin/accounts/018f0000-0000-7000-8000-000000000001",
        "DELETE /api/v1/admin/sessions/018f0000-0000-7000-8000-000000000001"})
    void missingGarbageAndSessionCredentialsAre401(String route) throws Exception {
      String[] parts = route.split(" ");
      String token = login("tier-" + UUID.randomUUID() + "@example.com").getString("token");
      String body = parts[0].equals("POST") ? "{\"token\":\"x\"}" : null;

      assertProblem(api.send(parts[0], parts[1], null, body), 401);
      assertProblem(api.send(parts[0], parts[1], "garbage", body), 401);
      assertProblem(api.send(parts[0], parts[1], token, body), 401);
      assertProblem(api.send(parts[0], parts[1], null, body, "Authorization", "Basic " + INTERNAL), 401);
    }

    @Test
    void aKeyOfTheOtherFamilyIs403() throws Exception {
      assertProblem(api.get("/api/v1/internal/sessions/" + UUID.randomUUID(), ADMIN), 403);
      assertProblem(api.get("/api/v1/admin/accounts/" + UUID.randomUUID(), INTERNAL), 403);
      assertProblem(api.post(SESSIONS, ADMIN, "{}"), 403);
    }

    @Test
    void everyConfiguredKeyOfTheFamilyWorks() throws Exception {
      assertThat(api.get("/api/v1/internal/sessions/" + UUID.randomUUID(), "other-internal-key-000000").statusCode())
          .isEqualTo(404);
    }
  }

  @Nested
  class Introspection {

    @Test
    void anActiveTokenIsDescribed() throws Exception {
      JsonObject created = login("intro@example.com");

      JsonObject answer = Api.json(api.post(SESSIONS + "/introspect", INTERNAL,
          new JsonObject().put("token", created.getString("token")).encode()));

      assertThat(answer.getBoolean("active")).isTrue();
      assertThat(answer.getString("sub")).isEqualTo(created.getString("account_id"));
      assertThat(answer.getString("sid")).isEqualTo(created.getString("session_id"));
      assertThat(answer.getLong("iat")).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(120L));
      assertThat(answer.containsKey("client_public_key")).isTrue();
      assertThat(answer.containsKey("exp")).as("no lifetime applies by default").isFalse();
    }

    @Test
    void revokedUnknownAndMalformedTokensAreInactive() throws Exception {
      JsonObject created = login("intro-revoked@example.com");
      assertThat(api.delete("/api/v1/user/sessions/current", created.getString("token")).statusCode()).isEqualTo(204);

      for (String token : new String[] {created.getString("token"), Tokens.generate(), "lk_short", ""}) {
        HttpResponse<String> answer = api.post(SESSIONS + "/introspect", INTERNAL, new JsonObject().put("token", token).encode());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Api.json(answer)).isEqualTo(new JsonObject().put("active", false));
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"token\":5}", "{\"token\":null}", "[\"lk_x\"]", "nope"})
    void aMissingOrMistypedTokenIsA400(String body) throws Exception {
      assertProblem(api.post(SESSIONS + "/introspect", INTERNAL, body), 400);
    }
  }

  @Nested
  class SessionRecord {

    @Test
    void showsStatusAndRevocationTime() throws Exception {
      JsonObject created = login("record@example.com");
      String path = SESSIONS + "/" + created.getString("session_id");

      JsonObject active = Api.json(api.get(path, INTERNAL));
      api.delete("/api/v1/user/sessions/current", created.getString("token"));
      JsonObject revoked = Api.json(api.get(path, INTERNAL));

      assertThat(active.fieldNames()).containsExactlyInAnyOrder("session_id", "account_id", "client_public_key", "status",
          "revoked_at_ms", "expires_at_ms");
      assertThat(active.getValue("expires_at_ms")).as("no lifetime applies by default").isNull();
      assertThat(active.getString("status")).isEqualTo("active");
      assertThat(active.getValue("revoked_at_ms")).isNull();
      assertThat(active.getValue("client_public_key")).isNull();
      assertThat(revoked.getString("status")).isEqualTo("revoked");
      assertThat(revoked.getLong("revoked_at_ms")).isPositive();
    }

    @Test
    void unknownIs404AndABadIdIs400() throws Exception {
      assertProblem(api.get(SESSIONS + "/" + UUID.randomUUID(), INTERNAL), 404);
      assertProblem(api.get(SESSIONS + "/not-a-uuid", INTERNAL), 400);
    }
  }

  @Nested
  class User {

    @Test
    void meShowsTheAccountItsIdentitiesAndThisSession() throws Exception {
      JsonObject created = login("me@example.com");

      HttpResponse<String> me = api.get("/api/v1/user/me", created.getString("token"));

      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(Api.json(me)).isEqualTo(new JsonObject()
          .put("account_id", created.getString("account_id"))
          .put("session_id", created.getString("session_id"))
          .put("identities", new JsonArray().add(new JsonObject().put("kind", "email").put("subject", "me@example.com"))));
    }

    @Test
    void everyAuthenticationFailureIs401() throws Exception {
      JsonObject created = login("failing@example.com");
      api.delete("/api/v1/user/sessions/current", created.getString("token"));

      assertProblem(api.get("/api/v1/user/me", null), 401);
      assertProblem(api.get("/api/v1/user/me", "garbage"), 401);
      assertProblem(api.get("/api/v1/user/me", Tokens.generate()), 401);
      assertProblem(api.get("/api/v1/user/me", created.getString("token")), 401);
      assertProblem(api.get("/api/v1/user/me", null, "Authorization", "Basic dXNlcjpwYXNz"), 401);
      assertProblem(api.get("/api/v1/user/me", null, "Authorization", "Bearer"), 401);
      assertProblem(api.get("/api/v1/user/me", INTERNAL), 401);
      assertProblem(api.get("/api/v1/user/me", ADMIN), 401);
    }

    @Test
    void listsMyActiveSessionsWithTheCurrentOneMarked() throws Exception {
      JsonObject first = login("lister@example.com");
      JsonObject second = login("lister@example.com");
      JsonObject third = login("lister@example.com");
      api.delete("/api/v1/user/sessions/current", third.getString("token"));

      JsonArray sessions = Api.json(api.get("/api/v1/user/sessions", second.getString("token"))).getJsonArray("sessions");

      assertThat(sessions).hasSize(2);
      JsonObject newest = sessions.getJsonObject(0);
      assertThat(newest.fieldNames()).containsExactlyInAnyOrder("session_id", "device", "created_at", "last_seen_at", "current",
          "client_key_thumbprint", "expires_at");
      assertThat(newest.getValue("expires_at")).as("no lifetime applies by default").isNull();
      assertThat(newest.getString("session_id")).isEqualTo(second.getString("session_id"));
      assertThat(newest.getBoolean("current")).isTrue();
      assertThat(newest.getString("created_at")).endsWith("Z");
      assertThat(sessions.getJsonObject(1).getString("session_id")).isEqualTo(first.getString("session_id"));
      assertThat(sessions.getJsonObject(1).getBoolean("current")).isFalse();
    }

    @Test
    void requestsAnsweredFromTheCacheStillRecordLastSeen() throws Exception {
      JsonObject created = login("seen@example.com");
      for (int i = 0; i < 20; i++) {
        assertThat(api.get("/api/v1/user/me", created.getString("token")).statusCode()).isEqualTo(200);
      }

      JsonObject session = io.latchkey.testing.Eventually.await(Duration.ofSeconds(30),
          () -> Api.json(api.get("/api/v1/user/sessions", created.getString("token"))).getJsonArray("sessions")
              .getJsonObject(0),
          s -> s.getValue("last_seen_at") != null, "a coalesced last-seen write");
      assertThat(session.getString("last_seen_at")).endsWith("Z");
    }

    @Test
    void logOutRevokesTheCurrentSession() throws Exception {
      JsonObject created = login("logout@example.com");

      assertThat(api.delete("/api/v1/user/sessions/current", created.getString("token")).statusCode()).isEqualTo(204);
      assertProblem(api.get("/api/v1/user/me", created.getString("token")), 401);
      assertProblem(api.delete("/api/v1/user/sessions/current", created.getString("token")), 401);
    }

    @Test
    void revokingOneOfMySessionsWorksOnceAndSomeoneElsesIsNotFound() throws Exception {
      JsonObject mine = login("owner@example.com");
      JsonObject myOther = login("owner@example.com");
      JsonObject theirs = login("stranger@example.com");
      String token = mine.getString("token");

      assertProblem(api.delete("/api/v1/user/sessions/" + theirs.getString("session_id"), token), 404);
      assertThat(api.get("/api/v1/user/me", theirs.getString("token")).statusCode()).isEqualTo(200);
      assertThat(api.delete("/api/v1/user/sessions/" + myOther.getString("session_id"), token).statusCode()).isEqualTo(204);
      assertProblem(api.get("/api/v1/user/me", myOther.getString("token")), 401);
      assertProblem(api.delete("/api/v1/user/sessions/" + myOther.getString("session_id"), token), 404);
      assertProblem(api.delete("/api/v1/user/sessions/" + UUID.randomUUID(), token), 404);
      assertProblem(api.delete("/api/v1/user/sessions/not-a-uuid", token), 400);
      assertThat(api.get("/api/v1/user/me", token).statusCode()).isEqualTo(200);
    }

    @Test
    void logOutEverywhereCanKeepTheCurrentSession() throws Exception {
      JsonObject a = login("everywhere@example.com");
      JsonObject b = login("everywhere@example.com");
      JsonObject c = login("everywhere@example.com");

      HttpResponse<String> keep = api.delete("/api/v1/user/sessions?keep_current=true", c.getString("token"));
      assertThat(keep.statusCode()).isEqualTo(200);
      assertThat(Api.json(keep)).isEqualTo(new JsonObject().put("revoked", 2));
      assertProblem(api.get("/api/v1/user/me", a.getString("token")), 401);
      assertProblem(api.get("/api/v1/user/me", b.getString("token")), 401);
      assertThat(api.get("/api/v1/user/me", c.getString("token")).statusCode()).isEqualTo(200);

      assertProblem(api.delete("/api/v1/user/sessions?keep_current=maybe", c.getString("token")), 400);
      assertThat(api.get("/api/v1/user/me", c.getString("token")).statusCode()).isEqualTo(200);

      HttpResponse<String> all = api.delete("/api/v1/user/sessions", c.getString("token"));
      assertThat(Api.json(all)).isEqualTo(new JsonObject().put("revoked", 1));
      assertProblem(api.get("/api/v1/user/me", c.getString("token")), 401);
    }

    @Test
    void aGatewayMayActForAUserOnlyWithAnInternalKey() throws Exception {
      JsonObject created = login("gatewayed@example.com");
      String accountId = created.getString("account_id");

      HttpResponse<String> me = api.get("/api/v1/user/me", INTERNAL, "X-User-ID", accountId);
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(Api.json(me).getString("account_id")).isEqualTo(accountId);
      assertThat(Api.json(me).getValue("session_id")).isNull();

      assertProblem(api.get("/api/v1/user/me", ADMIN, "X-User-ID", accountId), 403);
      assertProblem(api.get("/api/v1/user/me", created.getString("token"), "X-User-ID", accountId), 401);
      assertProblem(api.get("/api/v1/user/me", "garbage", "X-User-ID", accountId), 401);
      assertProblem(api.get("/api/v1/user/me", null, "X-User-ID", accountId), 401);
      assertProblem(api.get("/api/v1/user/me", INTERNAL, "X-User-ID", "not-a-uuid"), 400);
      assertProblem(api.get("/api/v1/user/me", INTERNAL, "X-User-ID", UUID.randomUUID().toString()), 404);
      assertProblem(api.delete("/api/v1/user/sessions/current", INTERNAL, "X-User-ID", accountId), 400);
      assertThat(api.get("/api/v1/user/me", created.getString("token")).statusCode()).isEqualTo(200);
    }
  }

  @Nested
  class Admin {

    @Test
    void findsAnAccountByIdAndByIdentity() throws Exception {
      JsonObject created = login("admin-view@example.com");
      String id = created.getString("account_id");

      JsonObject byId = Api.json(api.get("/api/v1/admin/accounts/" + id, ADMIN));
      JsonObject byIdentity = Api.json(api.get("/api/v1/admin/accounts?kind=email&subject=Admin-View@example.com", ADMIN));

      assertThat(byId.fieldNames()).containsExactlyInAnyOrder("account_id", "status", "created_at", "identities");
      assertThat(byId.getString("status")).isEqualTo("active");
      assertThat(byId.getString("account_id")).isEqualTo(id);
      assertThat(byIdentity).isEqualTo(byId);
      assertProblem(api.get("/api/v1/admin/accounts/" + UUID.randomUUID(), ADMIN), 404);
      assertProblem(api.get("/api/v1/admin/accounts?kind=email&subject=nobody@example.com", ADMIN), 404);
      assertProblem(api.get("/api/v1/admin/accounts/nope", ADMIN), 400);
      assertProblem(api.get("/api/v1/admin/accounts?kind=email", ADMIN), 400);
      assertProblem(api.get("/api/v1/admin/accounts?kind=fax&subject=1", ADMIN), 400);
    }

    @Test
    void listsAllSessionsOfAnAccountAndRevokesThem() throws Exception {
      JsonObject a = login("admin-revoke@example.com");
      JsonObject b = login("admin-revoke@example.com");
      String account = a.getString("account_id");

      assertThat(api.delete("/api/v1/admin/sessions/" + a.getString("session_id"), ADMIN).statusCode()).isEqualTo(204);
      assertThat(api.delete("/api/v1/admin/sessions/" + a.getString("session_id"), ADMIN).statusCode())
          .as("idempotent").isEqualTo(204);
      assertProblem(api.delete("/api/v1/admin/sessions/" + UUID.randomUUID(), ADMIN), 404);
      assertProblem(api.get("/api/v1/user/me", a.getString("token")), 401);

      JsonArray sessions = Api.json(api.get("/api/v1/admin/accounts/" + account + "/sessions", ADMIN))
          .getJsonArray("sessions");
      assertThat(sessions).hasSize(2);
      assertThat(sessions.getJsonObject(0).fieldNames())
          .containsExactlyInAnyOrder("session_id", "status", "device", "created_at", "last_seen_at", "revoked_at",
              "expires_at");
      assertThat(sessions.getJsonObject(0).getValue("expires_at")).as("no lifetime applies by default").isNull();
      assertThat(sessions.getJsonObject(1).getString("status")).isEqualTo("revoked");
      assertThat(sessions.getJsonObject(1).getString("revoked_at")).endsWith("Z");

      HttpResponse<String> all = api.post("/api/v1/admin/accounts/" + account + "/sessions/revoke", ADMIN, null);
      assertThat(all.statusCode()).isEqualTo(200);
      assertThat(Api.json(all)).isEqualTo(new JsonObject().put("revoked", 1));
      assertProblem(api.get("/api/v1/user/me", b.getString("token")), 401);
      assertThat(Api.json(api.post("/api/v1/admin/accounts/" + account + "/sessions/revoke", ADMIN, null)))
          .isEqualTo(new JsonObject().put("revoked", 0));
      assertProblem(api.post("/api/v1/admin/accounts/" + UUID.randomUUID() + "/sessions/revoke", ADMIN, null), 404);
      assertProblem(api.get("/api/v1/admin/accounts/" + UUID.randomUUID() + "/sessions", ADMIN), 404);
    }
  }
}
