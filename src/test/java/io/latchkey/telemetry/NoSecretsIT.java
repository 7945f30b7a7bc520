package io.latchkey.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.session.Tokens;
import io.latchkey.auth.signature.Ed25519;
import io.latchkey.client.RequestSigner;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.NodeProcess;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole API against a node that logs everything it can (JSON, DEBUG, access log, every span
 * through the logging exporter), then searches all it emitted (logs, spans, metrics, error bodies) for
 * any token, API key, signature or Authorization value.
 */
class NoSecretsIT {

  private static final String INTERNAL = "internal-secret-key-5b1e0c9d";
  private static final String ADMIN = "admin-secret-key-7f3a2e61";

  @TempDir
  Path workDir;

  @Test
  @DisplayName("no token, key, signature or Authorization header appears in logs, spans, metrics or error bodies")
  void nothingSecretIsEmitted() throws Exception {
    List<String> secrets = new ArrayList<>(List.of(INTERNAL, ADMIN));
    StringBuilder bodies = new StringBuilder();
    try (NodeProcess node = NodeProcess.start(workDir, Map.of(
        "DATABASE_URL", TestPostgres.freshDatabase().url(),
        "HTTP_HOST", "127.0.0.1",
        "HTTP_PORT", "0",
        "INTERNAL_API_KEYS", INTERNAL,
        "ADMIN_API_KEYS", ADMIN,
        "LOG_FORMAT", "json",
        "LOG_LEVEL", "DEBUG",
        "ACCESS_LOG", "true",
        "OTEL_TRACES_EXPORTER", "logging"))) {
      int port = node.awaitListening(Duration.ofSeconds(60));
      HttpProbe.awaitReady(port, Duration.ofSeconds(60));
      Api api = new Api(port);

      JsonObject plain = created(api.post("/api/v1/internal/sessions", INTERNAL, identity("plain@example.com").encode()));
      KeyPair device = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      JsonObject bound = created(api.post("/api/v1/internal/sessions", INTERNAL, identity("bound@example.com")
          .put("client_public_key", Base64.getEncoder().encodeToString(Ed25519.raw(device.getPublic()))).encode()));
      String token = plain.getString("token");
      String boundToken = bound.getString("token");
      String unknown = Tokens.generate();
      secrets.add(token);
      secrets.add(boundToken);
      secrets.add(unknown);

      bodies.append(api.get("/api/v1/user/me", token).body());
      bodies.append(api.get("/api/v1/user/sessions", token).body());
      bodies.append(api.get("/api/v1/user/me", unknown).body());
      bodies.append(api.get("/api/v1/user/me", "Bearer-looking-garbage " + unknown).body());
      bodies.append(api.post("/api/v1/internal/sessions/introspect", INTERNAL, new JsonObject().put("token", token).encode()).body());
      bodies.append(api.post("/api/v1/internal/sessions/introspect", INTERNAL, "{\"token\":\"" + unknown + "\"").body());
      // the OAuth endpoints (SPEC §5e): forms, HTTP Basic, and forms the body decoder itself refuses
      String oauthToken = created(api.post("/api/v1/internal/sessions", INTERNAL, identity("oauth@example.com").encode()))
          .getString("token");
      secrets.add(oauthToken);
      String basic = "Basic " + Base64.getEncoder().encodeToString(("gateway:" + INTERNAL).getBytes(StandardCharsets.UTF_8));
      secrets.add(basic.substring("Basic ".length()));
      for (String form : List.of("token=" + oauthToken + "&token_type_hint=access_token", "token=" + unknown + "%zz",
          "token=" + oauthToken + "&token=" + oauthToken, "token=" + unknown + "%", "{\"token\":\"" + oauthToken + "\"}")) {
        bodies.append(api.send("POST", "/api/v1/internal/sessions/introspect", null, form, "Authorization", basic,
            "Content-Type", "application/x-www-form-urlencoded").body());
      }
      bodies.append(api.send("POST", "/api/v1/internal/sessions/introspect?token=" + unknown, null, "token=" + unknown,
          "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded").body());
      bodies.append(api.send("POST", "/api/v1/internal/sessions/introspect", null, "token=" + unknown, "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(("gateway:" + ADMIN + "x").getBytes(StandardCharsets.UTF_8)),
          "Content-Type", "application/x-www-form-urlencoded").body());
      bodies.append(api.send("POST", "/api/v1/internal/sessions/revoke", null, "token=" + oauthToken, "Authorization", basic,
          "Content-Type", "application/x-www-form-urlencoded").body());
      bodies.append(api.get("/api/v1/user/me", INTERNAL, "X-User-ID", plain.getString("account_id")).body());
      bodies.append(api.get("/api/v1/user/me", ADMIN, "X-User-ID", plain.getString("account_id")).body());
      bodies.append(api.get("/api/v1/admin/accounts/" + plain.getString("account_id"), ADMIN).body());
      bodies.append(api.get("/api/v1/admin/accounts/" + plain.getString("account_id"), INTERNAL).body());

      URI me = URI.create("http://127.0.0.1:" + port + "/api/v1/user/me");
      Map<String, String> signature = new RequestSigner(device.getPrivate()).sign("GET", me, "Bearer " + boundToken, null);
      secrets.add(signature.get("Signature").substring("sig1=:".length(), signature.get("Signature").length() - 1));
      List<String> headers = new ArrayList<>();
      signature.forEach((k, v) -> {
        headers.add(k);
        headers.add(v);
      });
      bodies.append(api.send("GET", "/api/v1/user/me", boundToken, null, headers.toArray(String[]::new)).body());
      bodies.append(api.send("GET", "/api/v1/user/me", boundToken, null, headers.toArray(String[]::new)).body());
      bodies.append(api.get("/api/v1/user/me", boundToken).body());

      bodies.append(api.delete("/api/v1/user/sessions/current", token).body());
      bodies.append(api.get("/api/v1/user/me", token).body());
      bodies.append(api.post("/api/v1/admin/accounts/" + bound.getString("account_id") + "/sessions/revoke", ADMIN, null).body());
      String metrics = api.get("/metrics", null).body();

      assertThat(node.terminate(Duration.ofSeconds(30))).isEqualTo(143);
      String logs = node.output();

      assertThat(logs).as("the run was traced and access-logged")
          .contains("\"route\":\"GET /api/v1/user/me\"").contains("LoggingSpanExporter").contains("\"trace_id\"");
      for (String line : logs.split("\n")) {
        if (!line.isBlank() && line.startsWith("{")) {
          assertThat(new JsonObject(line).getString("@timestamp")).as("every log line is a JSON object").isNotNull();
        }
      }
      for (String emitted : List.of(logs, metrics, bodies.toString())) {
        for (String secret : secrets) {
          assertThat(emitted).doesNotContain(secret);
        }
        assertThat(emitted).doesNotContain("Bearer lk_").doesNotContainIgnoringCase("authorization: bearer ");
        for (String token2 : List.of(token, boundToken, unknown, oauthToken)) {
          assertThat(emitted).as("not even the random part of a token").doesNotContain(token2.substring(3));
        }
      }
    }
  }

  private static JsonObject identity(String email) {
    return new JsonObject().put("identity", new JsonObject().put("kind", "email").put("subject", email));
  }

  private static JsonObject created(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(201);
    return Api.json(response);
  }
}
