package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.Application;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.session.Tokens;
import io.latchkey.testing.Api;
import io.latchkey.testing.DatabaseFingerprint;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.RawHttp;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.oauth2.server.resource.introspection.SpringOpaqueTokenIntrospector;

/**
 * SPEC §5e: RFC 7662 introspection and RFC 7009 revocation as OAuth clients speak them, proven with two
 * clients that are not ours (Vert.x's vertx-auth-oauth2 and Spring Security's opaque-token introspector),
 * then every way to get them wrong. The internal key holds {@code + / = % :} on purpose: RFC 6749 §2.3.1 has
 * clients form-urlencode the secret before Basic encoding it, Spring Security does, Vert.x and curl do not,
 * and the node must accept both.
 */
class OAuthEndpointsIT {

  private static final String KEY = "Gw+k3y/with=sp%ecials:0123456789";
  private static final String ADMIN = "admin-key-0123456789abcdef";
  private static final String SESSIONS = "/api/v1/internal/sessions";
  private static final String INTROSPECT = SESSIONS + "/introspect";
  private static final String REVOKE = SESSIONS + "/revoke";
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final int AUTH_FAILURE_BURST = 10;
  private static final AtomicInteger ADDRESSES = new AtomicInteger();

  private static DatabaseTarget database;
  private static Application node;
  private static Api api;
  private static String site;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    node = Application.start(TestConfig.forDatabase(database, Map.of(
        "INTERNAL_API_KEYS", KEY,
        "ADMIN_API_KEYS", ADMIN,
        // each test that fails authentications plays its own client address; the OAuth clients are 127.0.0.1
        "HTTP_TRUSTED_PROXY_HOPS", 1,
        "RATE_LIMIT_AUTH_FAILURES_BURST", AUTH_FAILURE_BURST,
        "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 1)));
    api = new Api(node.httpPort());
    site = "http://127.0.0.1:" + node.httpPort();
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  /** A new session; returns the 201 body (token, session_id, account_id). */
  private static JsonObject login(String email) throws Exception {
    HttpResponse<String> created = api.post(SESSIONS, KEY,
        new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email)).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created);
  }

  /** {@code curl -u "client:secret"}: the secret as is, not form-encoded. */
  private static String basic(String client, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  private static String form(String token) {
    return "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  /** A POST with {@code Content-Type} and {@code Authorization} as given (either may be null) and any more headers. */
  private static HttpResponse<String> post(String path, String authorization, String contentType, String body,
      String... more) throws Exception {
    String[] headers = new String[more.length + 4];
    int n = 0;
    if (authorization != null) {
      headers[n++] = "Authorization";
      headers[n++] = authorization;
    }
    if (contentType != null) {
      headers[n++] = "Content-Type";
      headers[n++] = contentType;
    }
    System.arraycopy(more, 0, headers, n, more.length);
    return api.send("POST", path, null, body, java.util.Arrays.copyOf(headers, n + more.length));
  }

  private static JsonObject introspect(String token) throws Exception {
    HttpResponse<String> answer = post(INTROSPECT, basic("gateway", KEY), FORM, form(token));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    return Api.json(answer);
  }

  private static String revokedBy(String sessionId) throws Exception {
    try (Connection c = TestPostgres.connect(database); var s = c.createStatement();
        var rs = s.executeQuery("SELECT status || ' ' || coalesce(revoked_by, '-') || ' ' || coalesce(revoked_reason, '-')"
            + " FROM latchkey.sessions WHERE session_id = '" + sessionId + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static DatabaseFingerprint fingerprint() throws Exception {
    try (Connection c = TestPostgres.connect(database); var s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      return DatabaseFingerprint.of(c);
    }
  }

  /** A client address of its own (through the trusted proxy hop), so its failed authentications are its own. */
  private static String[] ownAddress() {
    return new String[] {"X-Forwarded-For", "10.25." + ADDRESSES.incrementAndGet() + ".1"};
  }

  static void assertProblem(HttpResponse<String> response, int status, String error) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject problem = Api.json(response);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("error")).as("RFC 6749 §5.2's error code").isEqualTo(error);
    assertThat(response.body()).doesNotContain(KEY).doesNotContain("lk_").doesNotContain("Exception");
  }

  @Nested
  @DisplayName("vertx-auth-oauth2")
  class VertxClient {

    @Test
    @DisplayName("authenticates a latchkey token to a User, revokes it through RFC 7009, then refuses it and an unknown token")
    void authenticatesRevokesAndRefuses() throws Exception {
      JsonObject session = login("vertx-client@example.com");
      String token = session.getString("token");
      Vertx vertx = Vertx.vertx();
      try {
        OAuth2Auth oauth2 = OAuth2Auth.create(vertx, new OAuth2Options()
            .setSite(site)
            .setIntrospectionPath(INTROSPECT)
            .setRevocationPath(REVOKE)
            .setClientId("gateway")
            .setClientSecret(KEY));

        User user = oauth2.authenticate(new TokenCredentials(token)).await();
        assertThat(user.principal().getString("sub")).isEqualTo(session.getString("account_id"));
        assertThat(user.principal().getString("sid")).isEqualTo(session.getString("session_id"));
        assertThat(user.principal().getString("token_type")).isEqualTo("Bearer");
        assertThat(user.expired()).isFalse();
        assertThat(api.get("/api/v1/user/me", token).statusCode()).as("the token is cached on the node").isEqualTo(200);

        // Vert.x's own RFC 7009 client: token=…&token_type_hint=access_token with client_secret_basic
        oauth2.revoke(user, "access_token").await();

        assertThat(revokedBy(session.getString("session_id"))).isEqualTo("revoked internal revoked-by-token");
        assertThat(api.get("/api/v1/user/me", token).statusCode()).as("revoked like any other, in the cache too")
            .isEqualTo(401);
        assertThatThrownBy(() -> oauth2.authenticate(new TokenCredentials(token)).await())
            .hasMessageContaining("Inactive Token");
        assertThatThrownBy(() -> oauth2.authenticate(new TokenCredentials(Tokens.generate())).await())
            .hasMessageContaining("Inactive Token");
        // revoking again, as a retry would, is still a success (RFC 7009 §2.2)
        oauth2.revoke(user, "access_token").await();
      } finally {
        vertx.close().await();
      }
    }

    @Test
    @DisplayName("a wrong client secret fails authentication with the 401, not as an inactive token")
    void aWrongSecretIsAnError() throws Exception {
      String token = login("vertx-wrong@example.com").getString("token");
      Vertx vertx = Vertx.vertx();
      try {
        OAuth2Auth oauth2 = OAuth2Auth.create(vertx, new OAuth2Options()
            .setSite(site)
            .setIntrospectionPath(INTROSPECT)
            .setClientId("gateway")
            .setClientSecret("not-the-key-0123456789")
            .setHeaders(new JsonObject().put("X-Forwarded-For", ownAddress()[1])));
        assertThatThrownBy(() -> oauth2.authenticate(new TokenCredentials(token)).await())
            .hasMessageContaining("Unauthorized").hasMessageNotContaining("Inactive");
      } finally {
        vertx.close().await();
      }
    }
  }

  @Nested
  @DisplayName("Spring Security's opaque-token introspector")
  class SpringClient {

    private final OpaqueTokenIntrospector spring = SpringOpaqueTokenIntrospector.withIntrospectionUri(site + INTROSPECT)
        .clientId("gateway")
        .clientSecret(KEY)
        .build();

    @Test
    @DisplayName("introspects an active token to a principal named by sub; revoked and unknown tokens are BadOpaqueTokenException")
    void introspectsThenRefuses() throws Exception {
      JsonObject session = login("spring-client@example.com");
      String token = session.getString("token");

      OAuth2AuthenticatedPrincipal principal = spring.introspect(token);
      assertThat(principal.getName()).isEqualTo(session.getString("account_id"));
      assertThat((Object) principal.getAttribute("sid")).isEqualTo(session.getString("session_id"));
      assertThat((Object) principal.getAttribute("iat")).as("iat read as epoch seconds").isInstanceOf(java.time.Instant.class);

      HttpResponse<String> revoked = post(REVOKE, basic("gateway", KEY), FORM, form(token) + "&token_type_hint=access_token");
      assertThat(revoked.statusCode()).isEqualTo(200);
      assertThat(revoked.body()).isEmpty();

      assertThatThrownBy(() -> spring.introspect(token)).isInstanceOf(BadOpaqueTokenException.class);
      assertThatThrownBy(() -> spring.introspect(Tokens.generate())).isInstanceOf(BadOpaqueTokenException.class);
    }

    @Test
    @DisplayName("a wrong client secret is an introspection error (the endpoint's 401), not a bad token")
    void aWrongSecretIsAnError() throws Exception {
      OpaqueTokenIntrospector wrong = SpringOpaqueTokenIntrospector.withIntrospectionUri(site + INTROSPECT)
          .clientId("gateway").clientSecret("not-the-key-0123456789").build();
      // from 127.0.0.1: one failure of its budget, which nothing else here spends
      assertThatThrownBy(() -> wrong.introspect(Tokens.generate()))
          .isInstanceOf(OAuth2IntrospectionException.class).isNotInstanceOf(BadOpaqueTokenException.class)
          .hasMessageContaining("401");
    }
  }

  @Nested
  class Answers {

    @Test
    @DisplayName("an active token: token_type Bearer beside §5a's fields, for a form and for JSON alike")
    void activeTokensCarryTheirTokenType() throws Exception {
      JsonObject session = login("answers@example.com");
      String token = session.getString("token");
      JsonObject fromForm = introspect(token);
      JsonObject fromJson = Api.json(api.post(INTROSPECT, KEY, new JsonObject().put("token", token).encode()));

      assertThat(fromForm).isEqualTo(fromJson);
      assertThat(fromForm.getBoolean("active")).isTrue();
      assertThat(fromForm.getString("token_type")).isEqualTo("Bearer");
      assertThat(fromForm.getString("sub")).isEqualTo(session.getString("account_id"));
      assertThat(fromForm.getString("sid")).isEqualTo(session.getString("session_id"));
    }

    @Test
    @DisplayName("anything not active is exactly {\"active\":false}: revoked, unknown, malformed, empty, huge")
    void everythingElseIsInactive() throws Exception {
      JsonObject session = login("inactive@example.com");
      assertThat(post(REVOKE, "Bearer " + KEY, FORM, form(session.getString("token"))).statusCode()).isEqualTo(200);
      for (String token : new String[] {session.getString("token"), Tokens.generate(), "lk_short", "", "x".repeat(12_000)}) {
        assertThat(introspect(token)).as("token of %d characters", token.length()).isEqualTo(new JsonObject().put("active", false));
      }
    }

    @Test
    @DisplayName("revocation answers 200 with an empty body for active, revoked, unknown and malformed tokens, form or JSON")
    void revocationAlwaysAnswers200() throws Exception {
      JsonObject session = login("revoke@example.com");
      String token = session.getString("token");

      HttpResponse<String> first = post(REVOKE, basic("gateway", KEY), FORM, form(token));
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.body()).isEmpty();
      assertThat(first.headers().firstValue("content-length")).hasValue("0");
      assertThat(revokedBy(session.getString("session_id"))).isEqualTo("revoked internal revoked-by-token");

      DatabaseFingerprint before = fingerprint();
      for (String body : new String[] {form(token), form(Tokens.generate()), "token=lk_short", "token=", form("x".repeat(12_000))}) {
        HttpResponse<String> again = post(REVOKE, basic("gateway", KEY), FORM, body);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEmpty();
      }
      for (String body : new String[] {new JsonObject().put("token", token).encode(), "{\"token\":\"nope\"}"}) {
        assertThat(api.post(REVOKE, KEY, body).statusCode()).isEqualTo(200);
      }
      assertThat(fingerprint()).as("nothing else changed").isEqualTo(before);

      JsonObject other = login("revoke-json@example.com");
      assertThat(api.post(REVOKE, KEY, new JsonObject().put("token", other.getString("token")).encode()).statusCode())
          .isEqualTo(200);
      assertThat(introspect(other.getString("token")).getBoolean("active")).isFalse();
    }
  }

  @Nested
  @DisplayName("client authentication")
  class ClientAuthentication {

    @Test
    @DisplayName("HTTP Basic with any client id and the key, sent as is or form-encoded (RFC 6749 §2.3.1); Bearer too")
    void basicOrBearer() throws Exception {
      String token = login("basic@example.com").getString("token");
      String encodedKey = URLEncoder.encode(KEY, StandardCharsets.UTF_8);
      assertThat(encodedKey).isNotEqualTo(KEY);
      for (String authorization : new String[] {basic("gateway", KEY), basic("", KEY), basic("any client", KEY),
          basic("gateway", encodedKey), "basic " + Base64.getEncoder().encodeToString(("g:" + KEY).getBytes(StandardCharsets.UTF_8)),
          "Bearer " + KEY}) {
        HttpResponse<String> answer = post(INTROSPECT, authorization, FORM, form(token));
        assertThat(answer.statusCode()).as(authorization).isEqualTo(200);
        assertThat(Api.json(answer).getBoolean("active")).isTrue();
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "Basic", "Basic !!!not-base64!!!", "Basic Z2F0ZXdheQ==", "Basic //79", "wrong-secret",
        "key-as-client-id", "Digest abc", "Bearer wrong-key-0123456789"})
    @DisplayName("a missing, malformed or wrong credential is 401 problem+json challenging Basic, and changes nothing")
    void badCredentialsAre401(String kind) throws Exception {
      String token = login("bad-credentials-" + kind.hashCode() + "@example.com").getString("token");
      String authorization = switch (kind) {
        case "none" -> null;
        case "wrong-secret" -> basic("gateway", "not-the-key-0123456789");
        case "key-as-client-id" -> "Basic " + Base64.getEncoder().encodeToString((KEY + ":x").getBytes(StandardCharsets.UTF_8));
        default -> kind;
      };
      DatabaseFingerprint before = fingerprint();
      for (String path : new String[] {INTROSPECT, REVOKE}) {
        HttpResponse<String> refused = post(path, authorization, FORM, form(token), ownAddress());
        assertProblem(refused, 401, "invalid_client");
        assertThat(refused.headers().allValues("www-authenticate"))
            .containsExactly("Basic realm=\"latchkey\"", "Bearer realm=\"latchkey\"");
      }
      assertThat(fingerprint()).isEqualTo(before);
      assertThat(introspect(token).getBoolean("active")).isTrue();
    }

    @Test
    @DisplayName("Basic opens only these two routes: elsewhere it is the usual 401 challenging Bearer")
    void basicOpensNoOtherRoute() throws Exception {
      JsonObject session = login("basic-elsewhere@example.com");
      String[] address = ownAddress();
      HttpResponse<String> record = api.send("GET", SESSIONS + "/" + session.getString("session_id"), null, null,
          "Authorization", basic("gateway", KEY), address[0], address[1]);
      assertThat(record.statusCode()).isEqualTo(401);
      assertThat(record.headers().allValues("www-authenticate")).containsExactly("Bearer realm=\"latchkey\"");
      assertThat(post(SESSIONS, basic("gateway", KEY), "application/json",
          "{\"identity\":{\"kind\":\"email\",\"subject\":\"nobody@example.com\"}}", ownAddress()).statusCode()).isEqualTo(401);
      assertThat(api.send("GET", "/api/v1/admin/accounts/" + session.getString("account_id"), null, null,
          "Authorization", basic("ops", ADMIN), "X-Forwarded-For", ownAddress()[1]).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("an admin key through Basic authenticates but is not the internal tier's: 403")
    void anAdminKeyIsForbidden() throws Exception {
      String token = login("basic-admin@example.com").getString("token");
      HttpResponse<String> answer = post(REVOKE, basic("ops", ADMIN), FORM, form(token));
      assertThat(answer.statusCode()).isEqualTo(403);
      assertThat(introspect(token).getBoolean("active")).isTrue();
    }

    @Test
    @DisplayName("failed Basic authentications spend the address's budget; once spent, even the right key gets 429")
    void failedBasicSpendsTheBudget() throws Exception {
      String[] address = ownAddress();
      String token = login("budget@example.com").getString("token");
      for (int i = 0; i < AUTH_FAILURE_BURST; i++) {
        assertThat(post(INTROSPECT, basic("gateway", "guess-" + i + "-0123456789"), FORM, form(token), address).statusCode())
            .isEqualTo(401);
      }
      HttpResponse<String> refused = post(INTROSPECT, basic("gateway", KEY), FORM, form(token), address);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("retry-after")).isPresent();
    }
  }

  @Nested
  @DisplayName("bad input")
  class BadInput {

    @ParameterizedTest
    @ValueSource(strings = {"", "foo=bar", "token_type_hint=access_token", "TOKEN=lk_x", "{\"token\":\"TOKEN\"}",
        "token=TOKEN&token=TOKEN", "token=TOKEN&token=", "token=TOKEN&token_type_hint=a&token_type_hint=b", "token=%zz",
        "token=TOKEN%"})
    @DisplayName("a form without exactly one token, with a repeated parameter or a malformed escape: 400, nothing changed")
    void badFormsAre400(String body) throws Exception {
      String token = login("bad-form-" + body.hashCode() + "@example.com").getString("token");
      DatabaseFingerprint before = fingerprint();
      for (String path : new String[] {INTROSPECT, REVOKE}) {
        HttpResponse<String> refused = post(path, basic("gateway", KEY), FORM, body.replace("TOKEN", token));
        assertThat(refused.statusCode()).as(body).isEqualTo(400);
        assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(refused.body()).doesNotContain(token).doesNotContain(KEY);
      }
      assertThat(fingerprint()).isEqualTo(before);
      assertThat(introspect(token).getBoolean("active")).isTrue();
    }

    @Test
    @DisplayName("a token in two places (query and body, two Content-Types) is ambiguous: 400, nothing changed")
    void aTokenInTwoPlacesIs400() throws Exception {
      String token = login("two-places@example.com").getString("token");
      DatabaseFingerprint before = fingerprint();
      for (String path : new String[] {INTROSPECT, REVOKE}) {
        assertProblem(post(path + "?token=" + token, basic("gateway", KEY), FORM, form(token)), 400, "invalid_request");
        assertProblem(post(path + "?token_type_hint=access_token", basic("gateway", KEY), FORM, form(token)), 400,
            "invalid_request");
        assertProblem(api.post(path + "?token=" + token, KEY, new JsonObject().put("token", token).encode()), 400,
            "invalid_request");
        String raw = "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
            + "\r\nContent-Type: " + FORM + "\r\nContent-Type: application/json\r\nContent-Length: " + form(token).length()
            + "\r\nConnection: close\r\n\r\n" + form(token);
        RawHttp.Response response = RawHttp.exchange(node.httpPort(), raw);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.bodyText()).doesNotContain(token);
      }
      assertThat(fingerprint()).isEqualTo(before);
      assertThat(introspect(token).getBoolean("active")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "multipart/form-data; boundary=x", "application/xml", "none"})
    @DisplayName("another media type, or none, is 415 naming both")
    void otherMediaTypesAre415(String contentType) throws Exception {
      String token = login("media-" + contentType.hashCode() + "@example.com").getString("token");
      for (String path : new String[] {INTROSPECT, REVOKE}) {
        String raw = "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic("gateway", KEY)
            + ("none".equals(contentType) ? "" : "\r\nContent-Type: " + contentType)
            + "\r\nContent-Length: " + form(token).length() + "\r\nConnection: close\r\n\r\n" + form(token);
        RawHttp.Response refused = RawHttp.exchange(node.httpPort(), raw);
        assertThat(refused.status()).as(refused.bodyText()).isEqualTo(415);
        assertThat(refused.header("content-type")).hasValue("application/problem+json");
        assertThat(new JsonObject(refused.bodyText()).getString("detail")).contains(FORM).contains("application/json");
      }
      assertThat(introspect(token).getBoolean("active")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"token\":5}", "{\"token\":null}", "{\"token\":\"x\",\"token_type_hint\":1}", "[\"lk_x\"]",
        "token=lk_x"})
    @DisplayName("JSON without a string token, or a hint that is not a string: 400")
    void badJsonIs400(String body) throws Exception {
      for (String path : new String[] {INTROSPECT, REVOKE}) {
        assertProblem(api.post(path, KEY, body), 400, "invalid_request");
      }
    }
  }
}
