package io.latchkey.http;

import static io.latchkey.http.ApiIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.auth.signature.Ed25519;
import io.latchkey.client.RequestSigner;
import io.latchkey.client.SignCli;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signature alone (SPEC §6, seed 002's gateway flow) over real HTTP: a request with no bearer token, its
 * signature naming its device-bound session in {@code keyid}, on every user route.
 */
class KeyIdIT {

  private static final String ME = "/api/v1/user/me";

  private static Application node;
  private static Api api;

  private RequestSigner signer;
  private JsonObject session;

  @BeforeAll
  static void start() throws Exception {
    node = Application.start(TestConfig.forDatabase(TestPostgres.freshDatabase(), Map.of(
        "INTERNAL_API_KEYS", ApiIT.INTERNAL, "ADMIN_API_KEYS", ApiIT.ADMIN, "SIGNATURE_MAX_SKEW_SECONDS", 30,
        // this class is one client address sending many 401s on purpose
        "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 0)));
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @BeforeEach
  void deviceBoundSession() throws Exception {
    KeyPair device = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    signer = new RequestSigner(device.getPrivate());
    session = create(api, device);
  }

  /** A session created through the internal API, device-bound to {@code key} unless it is {@code null}. */
  static JsonObject create(Api api, KeyPair key) throws Exception {
    JsonObject body = new JsonObject()
        .put("identity", new JsonObject().put("kind", "email").put("subject", "keyid-" + System.nanoTime() + "@example.com"));
    if (key != null) {
      body.put("client_public_key", Base64.getEncoder().encodeToString(Ed25519.raw(key.getPublic())));
    }
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", ApiIT.INTERNAL, body.encode());
    assertThat(created.statusCode()).isEqualTo(201);
    return Api.json(created);
  }

  private String id() {
    return session.getString("session_id");
  }

  private Map<String, String> signed(String method, String path, String keyId, String body) throws Exception {
    return new LinkedHashMap<>(signer.signAlone(method, URI.create("http://127.0.0.1:" + node.httpPort() + path), keyId,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
  }

  /** A request whose only credential is its signature, naming {@code keyId}. */
  private HttpResponse<String> alone(String method, String path, String keyId, String body) throws Exception {
    return api.send(method, path, null, body, pairs(signed(method, path, keyId, body)));
  }

  @Test
  @DisplayName("a signature naming its session in keyid is the credential on every user route, logout included")
  void aSignatureAloneAuthenticatesEveryUserRoute() throws Exception {
    HttpResponse<String> me = alone("GET", ME, id(), null);
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(Api.json(me).getString("session_id")).isEqualTo(id());
    assertThat(Api.json(me).getString("account_id")).isEqualTo(session.getString("account_id"));

    HttpResponse<String> list = alone("GET", "/api/v1/user/sessions", id(), null);
    assertThat(Api.json(list).getJsonArray("sessions").getJsonObject(0).getBoolean("current")).isTrue();

    // a signed body: signature and Content-Digest pass, then the router answers (no such POST route)
    assertProblem(alone("POST", ME, id(), "{\"hello\":\"world\"}"), 405);

    assertThat(alone("DELETE", "/api/v1/user/sessions/current", id(), null).statusCode()).isEqualTo(204);
    HttpResponse<String> after = alone("GET", ME, id(), null);
    assertProblem(after, 401);
    assertThat(after.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
  }

  @Test
  @DisplayName("a keyid that names no active device-bound session is 401: unknown, revoked, keyless, not a UUID")
  void aKeyIdThatNamesNoActiveDeviceBoundSessionIs401() throws Exception {
    JsonObject revoked = create(api, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    assertThat(api.delete("/api/v1/admin/sessions/" + revoked.getString("session_id"), ApiIT.ADMIN).statusCode())
        .isEqualTo(204);
    JsonObject keyless = create(api, null);

    for (String keyId : List.of(UUID.randomUUID().toString(), revoked.getString("session_id"),
        keyless.getString("session_id"), "not-a-uuid", id().replace("-", ""), "", id() + " ")) {
      HttpResponse<String> answer = alone("GET", ME, keyId, null);
      assertProblem(answer, 401);
      assertThat(answer.headers().firstValue("www-authenticate")).as(keyId)
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(answer.body()).doesNotContain(keyless.getString("token"));
    }

    // a signature with no keyid and no token names nobody
    Map<String, String> headers = signed("GET", ME, id(), null);
    headers.put("Signature-Input", headers.get("Signature-Input").replace(";keyid=\"" + id() + "\"", ""));
    assertProblem(api.get(ME, null, pairs(headers)), 401);
  }

  @Test
  @DisplayName("a signature alone must cover the method, the target and, with a body, content-digest")
  void aSignatureAloneMustCoverMethodTargetAndBody() throws Exception {
    Map<String, String> noMethod = signed("GET", ME, id(), null);
    noMethod.put("Signature-Input", noMethod.get("Signature-Input").replace("\"@method\" ", ""));
    expect(api.get(ME, null, pairs(noMethod)), "signature-malformed");

    Map<String, String> noTarget = signed("GET", ME, id(), null);
    noTarget.put("Signature-Input", noTarget.get("Signature-Input").replace(" \"@target-uri\"", ""));
    expect(api.get(ME, null, pairs(noTarget)), "signature-malformed");

    // signed without a body, sent with one
    expect(api.send("POST", ME, null, "{\"a\":1}", pairs(signed("POST", ME, id(), null))), "signature-malformed");

    // the target and the method are what was signed
    expect(api.get("/api/v1/user/sessions", null, pairs(signed("GET", ME, id(), null))), "signature-invalid");
    expect(api.send("DELETE", ME, null, null, pairs(signed("GET", ME, id(), null))), "signature-invalid");
  }

  @Test
  void aReplayedSignatureAloneIs401() throws Exception {
    String[] headers = pairs(signed("GET", ME, id(), null));

    assertThat(api.get(ME, null, headers).statusCode()).isEqualTo(200);
    expect(api.get(ME, null, headers), "signature-replayed");
  }

  @Test
  @DisplayName("with a bearer token too, the keyid must name the token's session")
  void aBearerAndAKeyIdMustNameTheSameSession() throws Exception {
    JsonObject other = create(api, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    URI me = URI.create("http://127.0.0.1:" + node.httpPort() + ME);

    Map<String, String> bound = new LinkedHashMap<>(signer.sign("GET", me, "Bearer " + session.getString("token"), null));
    bound.put("Signature-Input", bound.get("Signature-Input") + ";keyid=\"" + other.getString("session_id") + "\"");
    expect(api.get(ME, session.getString("token"), pairs(bound)), "signature-malformed");

    // a session without a key needs no signature, but may not claim another session in one
    JsonObject keyless = create(api, null);
    HttpResponse<String> claiming = api.get(ME, keyless.getString("token"), pairs(signed("GET", ME, id(), null)));
    expect(claiming, "signature-malformed");
    HttpResponse<String> own = api.get(ME, keyless.getString("token"),
        pairs(signed("GET", ME, keyless.getString("session_id"), null)));
    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
  }

  @Test
  @DisplayName("a revocation on the node rejects the keyid at once")
  void aRevokedSessionIsRejectedByKeyIdAtOnce() throws Exception {
    assertThat(alone("GET", ME, id(), null).statusCode()).isEqualTo(200);

    assertThat(api.delete("/api/v1/admin/sessions/" + id(), ApiIT.ADMIN).statusCode()).isEqualTo(204);

    assertProblem(alone("GET", ME, id(), null), 401);
  }

  @Test
  void theCommandLineSignerSignsWithAKeyId(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("client.key");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(SignCli.run(new String[] {"keygen", keyFile.toString()}, new PrintStream(out), System.err)).isZero();
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", ApiIT.INTERNAL, new JsonObject()
        .put("identity", new JsonObject().put("kind", "email").put("subject", "cli-keyid-" + System.nanoTime() + "@example.com"))
        .put("client_public_key", out.toString(StandardCharsets.UTF_8).trim()).encode());
    String sessionId = Api.json(created).getString("session_id");

    out.reset();
    String url = "http://127.0.0.1:" + node.httpPort() + ME;
    assertThat(SignCli.run(new String[] {"sign", keyFile.toString(), "--keyid", sessionId, "GET", url},
        new PrintStream(out), System.err)).isZero();

    List<String> headers = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      String header = line.substring("header = \"".length(), line.length() - 1).replace("\\\"", "\"");
      int colon = header.indexOf(": ");
      headers.add(header.substring(0, colon));
      headers.add(header.substring(colon + 2));
    }
    assertThat(headers).doesNotContain("Authorization");
    HttpResponse<String> me = api.send("GET", ME, null, null, headers.toArray(String[]::new));
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(Api.json(me).getString("session_id")).isEqualTo(sessionId);
  }

  static String[] pairs(Map<String, String> headers) {
    List<String> pairs = new ArrayList<>();
    headers.forEach((k, v) -> {
      pairs.add(k);
      pairs.add(v);
    });
    return pairs.toArray(String[]::new);
  }

  private static void expect(HttpResponse<String> response, String problem) {
    assertProblem(response, 401);
    assertThat(Api.json(response).getString("type")).isEqualTo("urn:latchkey:problem:" + problem);
  }
}
