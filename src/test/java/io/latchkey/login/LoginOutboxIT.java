package io.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-set-up default: the packaged node on its embedded PostgreSQL, no SMTP_URL (mails become .eml
 * files under DATA_DIR/outbox) and only a Telegram bot id (Mini App data checked by Ed25519 under the
 * configured key, here RFC 8032's TEST 1 key standing in for Telegram's).
 */
class LoginOutboxIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final String ADMIN = "outbox-admin-key-0123456789";

  @TempDir
  static Path workDir;
  private static NodeProcess node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node = NodeProcess.start(workDir, Map.of("DATA_DIR", workDir.resolve("data").toString(), "HTTP_HOST", "127.0.0.1",
        "HTTP_PORT", "0", "TELEGRAM_BOT_ID", Long.toString(TelegramVectors.BOT_ID),
        "TELEGRAM_PUBLIC_KEY", TelegramVectors.TEST_PUBLIC_KEY, "ADMIN_API_KEYS", ADMIN));
    api = new Api(HttpProbe.awaitReady(node.awaitListening(START), START).uri().getPort());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  @DisplayName("the code in the outbox's .eml signs in; the log says where the mail is, never the code")
  void theOutboxMailsCodeSignsIn() throws Exception {
    HttpResponse<String> started = api.post("/api/v1/public/login/email", null, "{\"email\":\"eve@example.com\"}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String challengeId = Api.json(started).getString("challenge_id");

    // the 202 comes after the file is written
    Path outbox = workDir.resolve("data/outbox");
    List<Path> mails;
    try (Stream<Path> files = Files.list(outbox)) {
      mails = files.filter(f -> f.getFileName().toString().endsWith(".eml")).toList();
    }
    assertThat(mails).hasSize(1);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mails.get(0)))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workDir.resolve("data/login-code.secret"))))
        .isEqualTo("rw-------");
    String eml = Files.readString(mails.get(0));
    assertThat(eml).contains("To: eve@example.com").contains("Subject: Your sign-in code");
    Matcher code = Pattern.compile("code is (\\d{6})").matcher(eml);
    assertThat(code.find()).isTrue();

    HttpResponse<String> created = api.post("/api/v1/public/login/email/verify", null,
        new JsonObject().put("challenge_id", challengeId).put("code", code.group(1)).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(api.get("/api/v1/user/me", Api.json(created).getString("token")).statusCode()).isEqualTo(200);
    String log = node.output();
    assertThat(log).contains(mails.get(0).getFileName().toString());
    assertThat(Pattern.compile("(?<![0-9A-Za-z])" + code.group(1) + "(?![0-9A-Za-z])").matcher(log).find()).isFalse();
  }

  @Test
  @DisplayName("with only a bot id: Mini App data signed by the configured Ed25519 key signs in once; the widget is unavailable")
  void theBotIdAloneChecksTelegramsSignature() throws Exception {
    String initData = TelegramSigner.initDataSigned(TelegramVectors.BOT_ID,
        HexFormat.of().parseHex(TelegramVectors.TEST_SECRET_KEY),
        Map.of("user", "{\"id\":7001,\"first_name\":\"Kim\"}", "auth_date", Long.toString(Instant.now().getEpochSecond()),
            "chat_type", "private"));
    String body = new JsonObject().put("init_data", initData).encode();

    HttpResponse<String> created = api.post("/api/v1/public/login/telegram", null, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    LoginIT.assertProblem(api.post("/api/v1/public/login/telegram", null, body), 401, "telegram-replayed");
    String forged = new JsonObject().put("init_data", initData.replace("chat_type=private", "chat_type=group")).encode();
    LoginIT.assertProblem(api.post("/api/v1/public/login/telegram", null, forged), 401, "telegram-invalid");
    JsonObject widget = new JsonObject(TelegramVectors.WIDGET);
    LoginIT.assertProblem(api.post("/api/v1/public/login/telegram", null, new JsonObject().put("widget", widget).encode()),
        503, "login-method-unavailable");
  }

  @Test
  @DisplayName("a login to a disabled account is 403 account-disabled and creates nothing; enabled, it signs in again")
  void aDisabledAccountCannotSignIn() throws Exception {
    HttpResponse<String> first = api.post("/api/v1/public/login/telegram", null, telegramLogin(7002));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String account = Api.json(first).getString("account_id");
    assertThat(api.post("/api/v1/admin/accounts/" + account + "/disable", ADMIN, null).statusCode()).isEqualTo(200);

    LoginIT.assertProblem(api.post("/api/v1/public/login/telegram", null, telegramLogin(7002)), 403, "account-disabled");
    assertThat(api.get("/api/v1/user/me", Api.json(first).getString("token")).statusCode()).isEqualTo(401);

    assertThat(api.post("/api/v1/admin/accounts/" + account + "/enable", ADMIN, null).statusCode()).isEqualTo(200);
    HttpResponse<String> again = api.post("/api/v1/public/login/telegram", null, telegramLogin(7002));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    assertThat(Api.json(again).getString("account_id")).isEqualTo(account);
  }

  /** A fresh Mini App login of the user, signed with the configured Ed25519 key (each one distinct: a new nonce). */
  private static String telegramLogin(long user) throws Exception {
    return new JsonObject().put("init_data", TelegramSigner.initDataSigned(TelegramVectors.BOT_ID,
        HexFormat.of().parseHex(TelegramVectors.TEST_SECRET_KEY),
        Map.of("user", "{\"id\":" + user + "}", "auth_date", Long.toString(Instant.now().getEpochSecond()),
            "query_id", java.util.UUID.randomUUID().toString()))).encode();
  }
}
