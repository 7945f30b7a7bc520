package io.latchkey.http;

import static io.latchkey.http.ApiIT.assertProblem;
import static io.latchkey.http.KeyIdIT.pairs;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.auth.signature.Ed25519;
import io.latchkey.auth.signature.SignatureBase;
import io.latchkey.auth.signature.SignedRequest;
import io.latchkey.client.RequestSigner;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.RawHttp;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Forward auth (SPEC §5c) over real HTTP, the way reverse proxies call it. The node trusts 127.0.0.2 alone
 * as a proxy ({@code FORWARD_AUTH_TRUSTED_PROXIES}): the "proxy" here is a Vert.x client bound to that
 * address, the "stranger" the JDK client from 127.0.0.1. Each test sends as its own client address in
 * {@code X-Forwarded-For} ({@code HTTP_TRUSTED_PROXY_HOPS=1}), so the small failed-authentication budget set
 * here is spent only where a test means to spend it.
 */
class ForwardAuthIT {

  private static final String AUTH = "/api/v1/user/auth";
  private static final String PROXY_ADDRESS = "127.0.0.2";
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private static Application node;
  private static Api stranger;
  private static Vertx vertx;
  private static HttpClientAgent proxy;
  private static Context context;

  private final String client = "198.51.100." + CLIENTS.incrementAndGet();
  private KeyPair device;
  private RequestSigner signer;
  private JsonObject bound;

  @BeforeAll
  static void start() throws Exception {
    node = Application.start(TestConfig.forDatabase(TestPostgres.freshDatabase(), Map.of(
        "INTERNAL_API_KEYS", ApiIT.INTERNAL, "SIGNATURE_MAX_SKEW_SECONDS", 30,
        "FORWARD_AUTH_TRUSTED_PROXIES", PROXY_ADDRESS + "/32",
        "HTTP_TRUSTED_PROXY_HOPS", 1,
        "RATE_LIMIT_AUTH_FAILURES_BURST", 12,
        "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 1)));
    stranger = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
    vertx = Vertx.vertx();
    HttpClientOptions options = new HttpClientOptions();
    options.setLocalAddress(PROXY_ADDRESS);
    proxy = vertx.createHttpClient(options);
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await();
    node.stop();
  }

  @BeforeEach
  void deviceBoundSession() throws Exception {
    device = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    signer = new RequestSigner(device.getPrivate());
    bound = KeyIdIT.create(stranger, device);
  }

  /** What came back to the proxy. */
  private record Reply(int status, MultiMap headers, String body) {}

  /** A request without a body from the trusted proxy; {@code headers} as name/value pairs, a name may repeat. */
  private Reply fromProxy(String method, String target, String... headers) throws Exception {
    return fromProxyWith(null, null, method, target, headers);
  }

  /** The same with its own Host header ({@code null}: the node's address) and a body ({@code null}: none). */
  private Reply fromProxyWith(String host, String body, String method, String target, String... headers)
      throws Exception {
    // connected to the node, whatever the Host header names (Envoy keeps the original's)
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.valueOf(method))
        .setServer(SocketAddress.inetSocketAddress(node.httpPort(), "127.0.0.1")).setURI(target);
    if (host == null) {
      request.setHost("127.0.0.1").setPort(node.httpPort());
    } else {
      int colon = host.indexOf(':');
      request.setHost(colon < 0 ? host : host.substring(0, colon))
          .setPort(colon < 0 ? 80 : Integer.parseInt(host.substring(colon + 1)));
    }
    request.addHeader("X-Forwarded-For", client);
    for (int i = 0; i < headers.length; i += 2) {
      request.addHeader(headers[i], headers[i + 1]);
    }
    // sent from a Vert.x context: Vert.x 5.0.10's client, called from a test thread with kept-alive connections,
    // now and then never completes a response the server did send (seen once in some hundred requests)
    return Future.<Reply>future(done -> context.runOnContext(v -> proxy.request(request)
            .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
            .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b.toString())))
            .onComplete(done)))
        .await(20, TimeUnit.SECONDS);
  }

  private HttpResponse<String> fromStranger(String method, String target, String bearer, String... headers)
      throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "X-Forwarded-For";
    all[1] = client;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return stranger.send(method, target, bearer, null, all);
  }

  /** The signature headers of the original request, as the client sends them to the proxy. */
  private Map<String, String> original(String method, String url, String body) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + bound.getString("token"));
    headers.putAll(signer.sign(method, URI.create(url), "Bearer " + bound.getString("token"),
        body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
    return headers;
  }

  /** Traefik's and Caddy's description of {@code POST https://app.example.com/orders/7?x=1}. */
  private static String[] traefik(String method, String uri) {
    return new String[] {"X-Forwarded-Method", method, "X-Forwarded-Uri", uri, "X-Forwarded-Host", "app.example.com",
        "X-Forwarded-Proto", "https"};
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private void assertPasses(Reply reply, JsonObject session) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.body()).isEmpty();
    assertThat(reply.headers().get("X-User-ID")).isEqualTo(session.getString("account_id"));
    assertThat(reply.headers().get("X-Session-ID")).isEqualTo(session.getString("session_id"));
  }

  private static void assertDenied(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(401);
    assertThat(reply.body()).isEmpty();
    assertThat(reply.headers().get("WWW-Authenticate")).startsWith("Bearer");
    assertThat(reply.headers().get("X-User-ID")).isNull();
  }

  private static void assertDenied(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(response.headers().firstValue("content-type")).isEmpty();
  }

  @Test
  @DisplayName("a session without a key passes on its token, any method, from anyone: 200, its ids, no body")
  void aSessionWithoutAKeyPassesOnItsToken() throws Exception {
    JsonObject plain = KeyIdIT.create(stranger, null);
    String token = plain.getString("token");

    for (String method : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND")) {
      HttpResponse<String> answer = fromStranger(method, AUTH, token);
      assertThat(answer.statusCode()).as(method).isEqualTo(200);
      assertThat(answer.body()).as(method).isEmpty();
      assertThat(answer.headers().firstValue("x-user-id")).as(method).hasValue(plain.getString("account_id"));
      assertThat(answer.headers().firstValue("x-session-id")).as(method).hasValue(plain.getString("session_id"));
    }
    // what a proxy says about the original does not matter to a session without a key, even when it is nonsense
    assertPasses(fromProxy("GET", AUTH + "/orders/7?x=1", "Authorization", "Bearer " + token,
        "X-Forwarded-Method", "get", "X-Forwarded-Uri", "orders"), plain);
  }

  @Test
  @DisplayName("no credential, an unknown, malformed or revoked token: 401, a Bearer challenge, no body")
  void whatDoesNotAuthenticateIs401WithABearerChallengeAndNoBody() throws Exception {
    JsonObject revoked = KeyIdIT.create(stranger, null);
    assertThat(fromStranger("GET", AUTH, revoked.getString("token")).statusCode()).isEqualTo(200);
    assertThat(stranger.delete("/api/v1/user/sessions/current", revoked.getString("token"), "X-Forwarded-For", client)
        .statusCode()).isEqualTo(204);

    assertDenied(fromStranger("GET", AUTH, null));
    assertDenied(fromStranger("GET", AUTH, revoked.getString("token")));
    assertDenied(fromStranger("POST", AUTH, "lk_" + "u".repeat(43)));
    assertDenied(fromProxy("GET", AUTH, "Authorization", "Bearer not-a-token"));
  }

  @Test
  @DisplayName("a CORS preflight, which vertx-web lets through authentication unauthenticated, is 401, not passed")
  void aPreflightIsNotAuthenticated() throws Exception {
    assertDenied(fromStranger("OPTIONS", AUTH, null, "Origin", "https://app.example.com",
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization"));
    assertProblem(fromStranger("OPTIONS", "/api/v1/user/me", null, "Origin", "https://app.example.com",
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization"), 401);
  }

  @Test
  @DisplayName("a device-bound session passes when its signature matches the original request a trusted proxy describes")
  void aDeviceBoundSessionPassesAgainstTheOriginal() throws Exception {
    // Traefik and Caddy: X-Forwarded-*, a GET without the body
    String[] signed = pairs(original("POST", "https://app.example.com/orders/7?x=1", null));
    assertPasses(fromProxy("GET", AUTH, concat(signed, traefik("POST", "/orders/7?x=1"))), bound);

    // nginx auth_request: X-Original-Method and X-Original-URI, the original's own method
    signed = pairs(original("DELETE", "http://app.example.com/items/3", null));
    assertPasses(fromProxy("DELETE", AUTH, concat(signed, new String[] {"X-Original-Method", "DELETE",
        "X-Original-URI", "/items/3", "X-Forwarded-Host", "app.example.com", "X-Forwarded-Proto", "http"})), bound);

    // Envoy ext_authz (HTTP service, path_prefix /api/v1/user/auth): method, path and Host are the original's
    signed = pairs(original("PUT", "http://app.example.com:8443/items/3?y=2", null));
    assertPasses(fromProxyWith("app.example.com:8443", null, "PUT", AUTH + "/items/3?y=2", signed), bound);

    // Envoy with with_request_body: the body comes along, and its digest is checked
    String body = "{\"qty\":2}";
    signed = pairs(original("POST", "http://app.example.com/orders", body));
    assertPasses(fromProxyWith("app.example.com", body, "POST", AUTH + "/orders", signed), bound);

    // the signature alone (keyid, no token), through Traefik
    Map<String, String> alone = signer.signAlone("GET", URI.create("https://app.example.com/orders"),
        bound.getString("session_id"), null);
    assertPasses(fromProxy("GET", AUTH, concat(pairs(alone), traefik("GET", "/orders"))), bound);
  }

  @Test
  @DisplayName("a device-bound session is 401 when its signature cannot be checked against the original")
  void aDeviceBoundSessionIsRefusedWhenItsSignatureCannotBeChecked() throws Exception {
    String url = "https://app.example.com/orders/7?x=1";

    // a perfect description, from a peer that is not a trusted proxy
    assertDenied(fromStranger("GET", AUTH, null, concat(pairs(original("POST", url, null)),
        traefik("POST", "/orders/7?x=1"))));
    // a trusted proxy that does not say what the original was
    assertDenied(fromProxy("GET", AUTH, pairs(original("POST", url, null))));
    // another URI, another method than the one signed
    assertDenied(fromProxy("GET", AUTH, concat(pairs(original("POST", url, null)), traefik("POST", "/orders/8?x=1"))));
    assertDenied(fromProxy("GET", AUTH, concat(pairs(original("POST", url, null)), traefik("DELETE", "/orders/7?x=1"))));
    // the token without a signature
    assertDenied(fromProxy("GET", AUTH, concat(new String[] {"Authorization", "Bearer " + bound.getString("token")},
        traefik("GET", "/orders/7?x=1"))));
    // content-digest covered, but the proxy did not forward the body (nginx auth_request never does)
    assertDenied(fromProxy("GET", AUTH, concat(pairs(original("POST", url, "{\"qty\":2}")),
        traefik("POST", "/orders/7?x=1"))));
    // a covered header the proxy sets itself: what the client sent there cannot be known
    assertDenied(fromProxy("GET", AUTH, concat(coveringForwardedUri(url), traefik("POST", "/orders/7?x=1"))));

    // and a replay: the first use passes, the second does not
    String[] once = concat(pairs(original("POST", url, null)), traefik("POST", "/orders/7?x=1"));
    assertPasses(fromProxy("GET", AUTH, once), bound);
    assertDenied(fromProxy("GET", AUTH, once));
  }

  /** A signature that also covers {@code x-forwarded-uri}, as a client could send it before the proxy sets its own. */
  private String[] coveringForwardedUri(String url) throws Exception {
    String authorization = "Bearer " + bound.getString("token");
    URI uri = URI.create(url);
    String params = "(\"@method\" \"@target-uri\" \"authorization\" \"x-forwarded-uri\");created="
        + Instant.now().getEpochSecond() + ";nonce=\"fwd-" + System.nanoTime() + "\";alg=\"ed25519\"";
    SignedRequest request = new SignedRequest() {
      @Override
      public String method() {
        return "POST";
      }

      @Override
      public String targetUri() {
        return url;
      }

      @Override
      public String authority() {
        return uri.getRawAuthority();
      }

      @Override
      public String scheme() {
        return uri.getScheme();
      }

      @Override
      public String path() {
        return uri.getRawPath();
      }

      @Override
      public String query() {
        return uri.getRawQuery();
      }

      @Override
      public List<String> header(String name) {
        return switch (name) {
          case "authorization" -> List.of(authorization);
          case "x-forwarded-uri" -> List.of(uri.getRawPath() + "?" + uri.getRawQuery());
          default -> List.of();
        };
      }
    };
    byte[] signature = Ed25519.sign(device.getPrivate(), SignatureBase.of(request, params).getBytes(StandardCharsets.UTF_8));
    return new String[] {"Authorization", authorization, "Signature-Input", "sig1=" + params,
        "Signature", "sig1=:" + Base64.getEncoder().encodeToString(signature) + ":"};
  }

  @Test
  @DisplayName("a malformed description of the original is 400: twice, not an absolute path, control characters, no method")
  void malformedForwardedHeadersAre400() throws Exception {
    String[] signed = pairs(original("POST", "https://app.example.com/orders/7?x=1", null));
    List<String[]> bad = List.of(
        new String[] {"X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/orders/7?x=1", "X-Forwarded-Uri", "/orders/8"},
        new String[] {"X-Forwarded-Method", "POST", "X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/orders/7?x=1"},
        new String[] {"X-Forwarded-Method", "POST", "X-Forwarded-Uri", "orders/7?x=1"},
        new String[] {"X-Forwarded-Method", "POST", "X-Forwarded-Uri", "https://app.example.com/orders/7?x=1"},
        new String[] {"X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/orders/7\t?x=1"},
        new String[] {"X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/orders/%zz"},
        new String[] {"X-Forwarded-Method", "post", "X-Forwarded-Uri", "/orders/7?x=1"},
        new String[] {"X-Forwarded-Method", "BREW", "X-Forwarded-Uri", "/orders/7?x=1"},
        new String[] {"X-Forwarded-Method", "POST", "X-Original-Method", "GET", "X-Forwarded-Uri", "/orders/7?x=1"},
        new String[] {"X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/orders/7?x=1", "X-Original-URI", "/orders/7"},
        new String[] {"X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/orders/7?x=1", "X-Forwarded-Proto", "ftp"},
        new String[] {"X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/orders/7?x=1", "X-Forwarded-Host", "a.example, b.example"});
    for (String[] headers : bad) {
      Reply reply = fromProxy("GET", AUTH, concat(signed, headers));
      assertThat(reply.status()).as(String.join(" | ", headers)).isEqualTo(400);
      assertThat(reply.headers().get("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
      assertThat(new JsonObject(reply.body()).getString("type")).isEqualTo("urn:latchkey:problem:forwarded-request-malformed");
    }
    // Envoy's form with a method that disagrees with what the proxy says
    assertThat(fromProxy("PUT", AUTH + "/orders/7?x=1", concat(signed, new String[] {"X-Forwarded-Method", "POST"}))
        .status()).isEqualTo(400);

    // dot-segments after the prefix would carry the check to another route (here an unauthenticated one)
    for (String escape : List.of("/api/v1/user/auth/../../public/ping", "/api/v1/user/auth/%2e%2e/%2E%2E/public/ping")) {
      RawHttp.Response raw = RawHttp.exchange(node.httpPort(), "GET " + escape + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "X-Forwarded-For: " + client + "\r\nConnection: close\r\n\r\n");
      assertThat(raw.status()).as(escape).isEqualTo(400);
      assertThat(raw.header("content-type")).hasValue(Problem.CONTENT_TYPE);
    }
  }

  @Test
  @DisplayName("failed authentications spend the client address's budget, then 429, as on the rest of the tier")
  void failedAuthenticationsSpendTheBudgetUntil429() throws Exception {
    JsonObject plain = KeyIdIT.create(stranger, null);
    for (int i = 0; i < 12; i++) {
      assertDenied(fromProxy("GET", AUTH, "Authorization", "Bearer lk_" + "x".repeat(43)));
    }

    Reply refused = fromProxy("GET", AUTH, "Authorization", "Bearer " + plain.getString("token"));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.headers().get("Retry-After")).isNotNull();
    assertThat(refused.headers().get("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);

    HttpResponse<String> another = stranger.get(AUTH, plain.getString("token"), "X-Forwarded-For", client + "0");
    assertThat(another.statusCode()).as("another client address still passes").isEqualTo(200);
  }

  @Test
  @DisplayName("a revocation is answered 401 at once, by token and by keyid")
  void aRevocationIsAnswered401AtOnce() throws Exception {
    String[] alone = concat(pairs(signer.signAlone("GET", URI.create("https://app.example.com/a"),
        bound.getString("session_id"), null)), traefik("GET", "/a"));
    assertPasses(fromProxy("GET", AUTH, alone), bound);

    HttpResponse<String> revoked = stranger.send("DELETE", "/api/v1/user/sessions/current", null, null, concat(
        new String[] {"X-Forwarded-For", client}, pairs(signer.signAlone("DELETE",
            URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/user/sessions/current"),
            bound.getString("session_id"), null))));
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);

    assertDenied(fromProxy("GET", AUTH, concat(pairs(signer.signAlone("GET",
        URI.create("https://app.example.com/a"), bound.getString("session_id"), null)), traefik("GET", "/a"))));
    assertDenied(fromProxy("GET", AUTH, concat(pairs(original("GET", "https://app.example.com/a", null)),
        traefik("GET", "/a"))));
    assertProblem(stranger.get("/api/v1/user/me", bound.getString("token"), "X-Forwarded-For", client), 401);
  }
}
