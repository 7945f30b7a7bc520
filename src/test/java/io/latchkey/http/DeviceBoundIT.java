package io.latchkey.http;

import static io.latchkey.http.ApiIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.session.Tokens;
import io.latchkey.auth.signature.Ed25519;
import io.latchkey.auth.signature.Edwards25519;
import io.latchkey.client.RequestSigner;
import io.latchkey.client.SignCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.DatabaseFingerprint;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device-bound sessions over real HTTP: every request must be signed with the session's Ed25519 key. */
class DeviceBoundIT {

  private static Application node;
  private static Api api;
  private static DatabaseTarget database;

  private KeyPair device;
  private RequestSigner signer;
  private JsonObject session;
  private String token;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    node = Application.start(TestConfig.forDatabase(database,
        Map.of("INTERNAL_API_KEYS", ApiIT.INTERNAL, "SIGNATURE_MAX_SKEW_SECONDS", 30)));
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @BeforeEach
  void deviceBoundSession() throws Exception {
    device = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    signer = new RequestSigner(device.getPrivate());
    session = create(device);
    token = session.getString("token");
  }

  private static JsonObject create(KeyPair key) throws Exception {
    JsonObject body = new JsonObject()
        .put("identity", new JsonObject().put("kind", "email").put("subject", "device-" + System.nanoTime() + "@example.com"))
        .put("client_public_key", Base64.getEncoder().encodeToString(Ed25519.raw(key.getPublic())));
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", ApiIT.INTERNAL, body.encode());
    assertThat(created.statusCode()).isEqualTo(201);
    return Api.json(created);
  }

  /** Sends a request signed for {@code signedPath}/{@code signedBody} but carrying {@code path}/{@code body}. */
  private HttpResponse<String> send(RequestSigner by, String method, String signedPath, String path, String signedBody,
      String body, long created, String nonce) throws Exception {
    URI signedUri = URI.create("http://127.0.0.1:" + node.httpPort() + signedPath);
    Map<String, String> headers = by.sign(method, signedUri, "Bearer " + token,
        signedBody == null ? null : signedBody.getBytes(StandardCharsets.UTF_8), created, nonce);
    return api.send(method, path, token, body, pairs(headers));
  }

  private HttpResponse<String> signed(String method, String path, String body) throws Exception {
    return send(signer, method, path, path, body, body, Instant.now().getEpochSecond(), "nonce-" + System.nanoTime());
  }

  @Test
  void signedRequestsPass() throws Exception {
    HttpResponse<String> me = signed("GET", "/api/v1/user/me", null);
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);

    HttpResponse<String> list = signed("GET", "/api/v1/user/sessions", null);
    assertThat(Api.json(list).getJsonArray("sessions").getJsonObject(0).getString("client_key_thumbprint"))
        .isEqualTo(Ed25519.thumbprint(Ed25519.raw(device.getPublic())));

    // a signed body: the signature and its Content-Digest pass, then the router answers (no such POST route)
    HttpResponse<String> post = signed("POST", "/api/v1/user/me", "{\"hello\":\"world\"}");
    assertProblem(post, 405);

    assertThat(signed("DELETE", "/api/v1/user/sessions/current", null).statusCode()).isEqualTo(204);
    assertProblem(signed("GET", "/api/v1/user/me", null), 401);
  }

  @Test
  void aBearerTokenAloneIsNotEnough() throws Exception {
    HttpResponse<String> bare = api.get("/api/v1/user/me", token);

    assertProblem(bare, 401);
    assertThat(Api.json(bare).getString("type")).isEqualTo("urn:latchkey:problem:signature-missing");
  }

  @Test
  void eachRejectionSaysWhy() throws Exception {
    long now = Instant.now().getEpochSecond();
    String me = "/api/v1/user/me";

    expect(api.get(me, token, "Signature-Input", "sig1=(\"@method\"", "Signature", "sig1=:AAAA:"), "signature-malformed");
    KeyPair thief = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    expect(send(new RequestSigner(thief.getPrivate()), "GET", me, me, null, null, now, "n1"), "signature-invalid");
    expect(send(signer, "GET", me, "/api/v1/user/sessions", null, null, now, "n2"), "signature-invalid");
    expect(send(signer, "POST", me, me, "{\"a\":1}", "{\"a\":2}", now, "n3"), "digest-mismatch");
    expect(send(signer, "GET", me, me, null, null, now - 120, "n4"), "signature-stale");
    expect(send(signer, "GET", me, me, null, null, now + 120, "n5"), "signature-stale");

    assertThat(send(signer, "GET", me, me, null, null, now, "n6").statusCode()).isEqualTo(200);
    expect(send(signer, "GET", me, me, null, null, now, "n6"), "signature-replayed");
  }

  @Test
  void anotherSessionsKeyDoesNotWork() throws Exception {
    KeyPair otherDevice = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    create(otherDevice);

    expect(send(new RequestSigner(otherDevice.getPrivate()), "GET", "/api/v1/user/me", "/api/v1/user/me", null, null,
        Instant.now().getEpochSecond(), "other"), "signature-invalid");
  }

  @Test
  void sessionsWithoutAKeyAndGatewaysNeedNoSignature() throws Exception {
    HttpResponse<String> plain = api.post("/api/v1/internal/sessions", ApiIT.INTERNAL, new JsonObject()
        .put("identity", new JsonObject().put("kind", "email").put("subject", "plain-" + System.nanoTime() + "@example.com"))
        .encode());
    assertThat(api.get("/api/v1/user/me", Api.json(plain).getString("token")).statusCode()).isEqualTo(200);

    HttpResponse<String> gateway = api.get("/api/v1/user/me", ApiIT.INTERNAL, "X-User-ID", session.getString("account_id"));
    assertThat(gateway.statusCode()).isEqualTo(200);
  }

  @Test
  void theKeyIsInTheRecordAndTheIntrospection() throws Exception {
    String key = Base64.getEncoder().encodeToString(Ed25519.raw(device.getPublic()));

    JsonObject record = Api.json(api.get("/api/v1/internal/sessions/" + session.getString("session_id"), ApiIT.INTERNAL));
    JsonObject introspection = Api.json(api.post("/api/v1/internal/sessions/introspect", ApiIT.INTERNAL,
        new JsonObject().put("token", token).encode()));

    assertThat(record.getString("client_public_key")).isEqualTo(key);
    assertThat(introspection.getString("client_public_key")).isEqualTo(key);
  }

  @Test
  void theCommandLineSignerWorksEndToEnd(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("client.key");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(SignCli.run(new String[] {"keygen", keyFile.toString()}, new PrintStream(out), System.err)).isZero();
    String publicKey = out.toString(StandardCharsets.UTF_8).trim();
    HttpResponse<String> created = api.post("/api/v1/internal/sessions", ApiIT.INTERNAL, new JsonObject()
        .put("identity", new JsonObject().put("kind", "email").put("subject", "cli-" + System.nanoTime() + "@example.com"))
        .put("client_public_key", publicKey).encode());
    String cliToken = Api.json(created).getString("token");
    String url = "http://127.0.0.1:" + node.httpPort() + "/api/v1/user/me";

    out.reset();
    assertThat(SignCli.run(new String[] {"sign", keyFile.toString(), cliToken, "GET", url}, new PrintStream(out),
        System.err)).isZero();

    List<String> headers = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      assertThat(line).startsWith("header = \"").endsWith("\"");
      String header = line.substring("header = \"".length(), line.length() - 1).replace("\\\"", "\"");
      int colon = header.indexOf(": ");
      headers.add(header.substring(0, colon));
      headers.add(header.substring(colon + 2));
    }
    HttpResponse<String> me = api.send("GET", "/api/v1/user/me", null, null, headers.toArray(String[]::new));
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(Files.getPosixFilePermissions(keyFile)).containsExactlyInAnyOrder(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void keysThatAreNoPointOrOfSmallOrderAreRefusedAtCreateAndNothingIsStored() throws Exception {
    List<byte[]> keys = new ArrayList<>(Edwards25519.smallOrderEncodings());
    keys.add(HexFormat.of().parseHex("ff".repeat(31) + "7f"));
    keys.add(HexFormat.of().parseHex("02" + "00".repeat(31)));
    keys.add(HexFormat.of().parseHex("ff".repeat(32)));
    DatabaseFingerprint before = fingerprint();

    for (byte[] key : keys) {
      HttpResponse<String> created = api.post("/api/v1/internal/sessions", ApiIT.INTERNAL, new JsonObject()
          .put("identity", new JsonObject().put("kind", "email").put("subject", "weak-" + System.nanoTime() + "@example.com"))
          .put("client_public_key", Base64.getEncoder().encodeToString(key)).encode());

      assertProblem(created, 400);
      assertThat(Api.json(created).getString("detail")).as(HexFormat.of().formatHex(key)).contains("client_public_key");
    }
    assertThat(fingerprint()).isEqualTo(before);
  }

  @Test
  void aForgedSignatureIsRefusedForASmallOrderKeyStoredBeforeKeysWereChecked() throws Exception {
    HttpResponse<String> plain = api.post("/api/v1/internal/sessions", ApiIT.INTERNAL, new JsonObject()
        .put("identity", new JsonObject().put("kind", "email").put("subject", "old-" + System.nanoTime() + "@example.com"))
        .encode());
    String forgedToken = TestPostgres.insertSession(database, UUID.fromString(Api.json(plain).getString("account_id")));
    try (Connection c = TestPostgres.connect(database); PreparedStatement ps = c.prepareStatement(
        "UPDATE latchkey.sessions SET client_public_key = ? WHERE token_hash = ?")) {
      ps.setBytes(1, HexFormat.of().parseHex("01" + "00".repeat(31))); // the identity point
      ps.setBytes(2, Tokens.hash(forgedToken).bytes());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    String params = "(\"@method\" \"@target-uri\" \"authorization\");created=" + Instant.now().getEpochSecond()
        + ";nonce=\"forged\";alg=\"ed25519\"";
    byte[] identityAndZero = new byte[64];
    identityAndZero[0] = 1; // R = identity, S = 0: verifies under a small-order key for any message

    expect(api.get("/api/v1/user/me", forgedToken, "Signature-Input", "sig1=" + params,
        "Signature", "sig1=:" + Base64.getEncoder().encodeToString(identityAndZero) + ":"), "signature-invalid");
  }

  @Test
  void componentParametersAreRejectedNotIgnored() throws Exception {
    String me = "/api/v1/user/me";
    URI uri = URI.create("http://127.0.0.1:" + node.httpPort() + me);
    String[][] swaps = {{"\"authorization\"", "\"authorization\";foo"}, {"\"@method\"", "\"@method\";bar=\"x\""}};
    for (int i = 0; i < swaps.length; i++) {
      Map<String, String> headers = new LinkedHashMap<>(signer.sign("GET", uri, "Bearer " + token, null,
          Instant.now().getEpochSecond(), "params-" + i));
      headers.put("Signature-Input", headers.get("Signature-Input").replace(swaps[i][0], swaps[i][1]));

      expect(api.get(me, token, pairs(headers)), "signature-malformed");
    }
  }

  private static String[] pairs(Map<String, String> headers) {
    List<String> pairs = new ArrayList<>();
    headers.forEach((k, v) -> {
      pairs.add(k);
      pairs.add(v);
    });
    return pairs.toArray(String[]::new);
  }

  private static DatabaseFingerprint fingerprint() throws Exception {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      return DatabaseFingerprint.of(c);
    }
  }

  private static void expect(HttpResponse<String> response, String problem) {
    assertProblem(response, 401);
    assertThat(Api.json(response).getString("type")).isEqualTo("urn:latchkey:problem:" + problem);
  }
}
