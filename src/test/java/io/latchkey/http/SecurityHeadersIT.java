package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.RawHttp;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The security headers are on every kind of response, whichever part of the server wrote it. */
class SecurityHeadersIT {

  private static final Map<String, String> EXPECTED = Map.of(
      "x-content-type-options", "nosniff",
      "x-frame-options", "DENY",
      "referrer-policy", "no-referrer",
      "content-security-policy", "default-src 'none'; frame-ancestors 'none'");

  private static Application node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node = Application.start(TestConfig.forDatabase(TestPostgres.freshDatabase(), Map.of(
        "INTERNAL_API_KEYS", ApiIT.INTERNAL, "ADMIN_API_KEYS", ApiIT.ADMIN, "HTTP_MAX_BODY_BYTES", 1024,
        "HTTP_MAX_HEADER_BYTES", 2048, "HTTP_TRUSTED_PROXY_HOPS", 1,
        "RATE_LIMIT_PUBLIC_PER_SECOND", 1, "RATE_LIMIT_PUBLIC_BURST", 2)));
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @Test
  @DisplayName("200, 201, 204, 400, 401, 403, 404, 405, 413, 415, 429, 431 and 414 all carry the security headers")
  void everyKindOfResponseCarriesTheSecurityHeaders() throws Exception {
    String sessions = "/api/v1/internal/sessions";
    String identity = new JsonObject().put("identity",
        new JsonObject().put("kind", "email").put("subject", "headers@example.com")).encode();
    Map<String, HttpResponse<String>> responses = new LinkedHashMap<>();
    responses.put("liveness", api.get("/healthz", null));
    responses.put("readiness", api.get("/readyz", null));
    responses.put("metrics", api.get("/metrics", null));
    responses.put("openapi", api.get("/api/v1/public/openapi.json", null, "X-Forwarded-For", "10.9.9.1"));
    responses.put("created", api.post(sessions, ApiIT.INTERNAL, identity));
    String token = Api.json(responses.get("created")).getString("token");
    responses.put("me", api.get("/api/v1/user/me", token));
    responses.put("logout", api.delete("/api/v1/user/sessions/current", token));
    responses.put("bad uuid", api.get(sessions + "/not-a-uuid", ApiIT.INTERNAL));
    responses.put("unauthorized", api.get("/api/v1/user/me", token));
    responses.put("forbidden", api.get(sessions + "/" + UUID.randomUUID(), ApiIT.ADMIN));
    responses.put("not found", api.get("/nothing", null));
    responses.put("wrong method", api.send("PUT", "/api/v1/public/ping", null, "{}", "X-Forwarded-For", "10.9.9.2"));
    responses.put("body too large", api.post(sessions, ApiIT.INTERNAL, "{\"x\":\"" + "a".repeat(2000) + "\"}"));
    responses.put("not json", api.post(sessions, ApiIT.INTERNAL, "hello", "Content-Type", "text/plain"));
    responses.put("rate limited", publicUntilRefused("10.9.9.3"));
    responses.put("headers too large", api.get("/healthz", null, "X-Padding", "a".repeat(3000)));
    responses.put("uri too long", api.get("/healthz?" + "a".repeat(5000), null));

    Map<String, Integer> statuses = new LinkedHashMap<>();
    responses.forEach((name, response) -> statuses.put(name, response.statusCode()));
    assertThat(statuses).containsExactly(
        Map.entry("liveness", 200), Map.entry("readiness", 200), Map.entry("metrics", 200), Map.entry("openapi", 200),
        Map.entry("created", 201), Map.entry("me", 200), Map.entry("logout", 204), Map.entry("bad uuid", 400),
        Map.entry("unauthorized", 401), Map.entry("forbidden", 403), Map.entry("not found", 404),
        Map.entry("wrong method", 405), Map.entry("body too large", 413), Map.entry("not json", 415),
        Map.entry("rate limited", 429), Map.entry("headers too large", 431), Map.entry("uri too long", 414));
    responses.forEach((name, response) -> EXPECTED.forEach((header, value) ->
        assertThat(response.headers().firstValue(header)).as(name + ": " + header).hasValue(value)));
  }

  @Test
  void malformedRequestsCarryThemToo() throws Exception {
    RawHttp.Response response = RawHttp.exchange(node.httpPort(), "GET /healthz HTTP/1.1\r\nNo-Colon-Here\r\n\r\n");

    assertThat(response.status()).isEqualTo(400);
    EXPECTED.forEach((header, value) -> assertThat(response.header(header)).as(header).hasValue(value));
  }

  @Test
  @DisplayName("responses of the tiers that take credentials are not stored by any cache, errors included")
  void credentialTiersAreNoStore() throws Exception {
    String[] paths = {"/api/v1/user/me", "/api/v1/internal/sessions/" + UUID.randomUUID(),
        "/api/v1/admin/accounts/" + UUID.randomUUID()};
    for (String path : paths) {
      assertThat(api.get(path, "garbage").headers().firstValue("cache-control")).as(path).hasValue("no-store");
    }
    assertThat(api.get("/api/v1/internal/sessions/" + UUID.randomUUID(), ApiIT.INTERNAL)
        .headers().firstValue("cache-control")).hasValue("no-store");
  }

  private static HttpResponse<String> publicUntilRefused(String address) throws Exception {
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = api.get("/api/v1/public/ping", null, "X-Forwarded-For", address);
      if (response.statusCode() != 200) {
        return response;
      }
    }
    throw new AssertionError("no 429 within ten requests over a burst of two at one a second");
  }
}
