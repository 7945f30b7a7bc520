package io.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.NodeProcess;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §5d against one packaged node on a real PostgreSQL, mailing through a real SMTP server (GreenMail,
 * with a user and password) and holding a test bot token; the codes are read out of the received mails.
 * Everything the node logs (DEBUG, access log, every span) is searched for the codes at the end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginIT {

  private static final String BOT_TOKEN = "987654:TEST-token-for-LoginIT-0123456789";
  private static final String INTERNAL = "internal-key-for-login-tests-01";
  private static final String EMAIL = "/api/v1/public/login/email";
  private static final String VERIFY = "/api/v1/public/login/email/verify";
  private static final String TELEGRAM = "/api/v1/public/login/telegram";
  private static final Pattern CODE = Pattern.compile("code is (\\d{6})");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final List<String> codesSent = new CopyOnWriteArrayList<>();
  private static Path workDir;
  private static GreenMail smtp;
  private static DatabaseTarget database;
  private static NodeProcess node;
  private static int port;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    workDir = Files.createTempDirectory("login-it");
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    smtp.setUser("mailer", "smtp-pass: with spaces");
    smtp.start();
    database = TestPostgres.freshDatabase();
    node = NodeProcess.start(workDir, Map.ofEntries(
        Map.entry("DATABASE_URL", database.url()),
        Map.entry("HTTP_HOST", "127.0.0.1"),
        Map.entry("HTTP_PORT", "0"),
        Map.entry("INTERNAL_API_KEYS", INTERNAL),
        Map.entry("SMTP_URL", "smtp://mailer:smtp-pass%3A%20with%20spaces@127.0.0.1:" + smtp.getSmtp().getPort()
            + "?starttls=disabled"),
        Map.entry("EMAIL_FROM", "Sign-in <login@latchkey.test>"),
        Map.entry("LOGIN_CODE_SECRET", "a-test-secret-of-at-least-32-characters"),
        Map.entry("TELEGRAM_BOT_TOKEN", BOT_TOKEN),
        // everything below comes from 127.0.0.1: the per-address limits stay in the path, RateLimitIT tests them
        Map.entry("RATE_LIMIT_PUBLIC_BURST", "100000"),
        Map.entry("RATE_LIMIT_AUTH_FAILURES_BURST", "100000"),
        Map.entry("LOG_LEVEL", "DEBUG"),
        Map.entry("ACCESS_LOG", "true"),
        Map.entry("OTEL_TRACES_EXPORTER", "logging")));
    port = node.awaitListening(Duration.ofSeconds(60));
    HttpProbe.awaitReady(port, Duration.ofSeconds(60));
    api = new Api(port);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (node != null) {
        String log = node.output();
        node.close();
        assertThat(codesSent).isNotEmpty();
        assertThat(log).doesNotContain("smtp-pass").doesNotContain(BOT_TOKEN.substring(7))
            .doesNotContain("a-test-secret-of-at-least-32-characters");
        for (String code : codesSent) {
          assertThat(Pattern.compile("(?<![0-9A-Za-z])" + code + "(?![0-9A-Za-z])").matcher(log).find())
              .as("a mailed code in the node's log").isFalse();
        }
      }
    } finally {
      smtp.stop();
    }
  }

  @Test
  @DisplayName("a mailed code signs in (account created once), the token works, and the session is device-bound from the start")
  void aMailedCodeSignsIn() throws Exception {
    JsonObject challenge = start("Ada@Example.com ");
    assertThat(Instant.parse(challenge.getString("expires_at")))
        .isBetween(Instant.now().plusSeconds(590), Instant.now().plusSeconds(610));
    MimeMessage mail = mailTo("ada@example.com");
    assertThat(mail.getFrom()[0].toString()).contains("login@latchkey.test");
    assertThat(mail.getContentType()).startsWith("multipart/alternative");
    assertThat(GreenMailUtil.getWholeMessage(mail)).contains("text/plain").contains("text/html");

    HttpResponse<String> created = verify(challenge, code(mail), new JsonObject().put("device", "laptop"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject session = Api.json(created);
    assertThat(session.fieldNames()).containsExactlyInAnyOrder("token", "session_id", "account_id", "account_created");
    assertThat(session.getBoolean("account_created")).isTrue();
    HttpResponse<String> me = api.get("/api/v1/user/me", session.getString("token"));
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(Api.json(me).getJsonArray("identities").getJsonObject(0).getString("subject")).isEqualTo("ada@example.com");

    byte[] key = Base64.getDecoder().decode("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    JsonObject again = start("ada@example.com");
    JsonObject second = Api.json(verify(again, code(mailTo("ada@example.com")),
        new JsonObject().put("client_public_key", Base64.getEncoder().encodeToString(key))));
    assertThat(second.getBoolean("account_created")).isFalse();
    assertThat(second.getString("account_id")).isEqualTo(session.getString("account_id"));
    JsonObject record = Api.json(api.get("/api/v1/internal/sessions/" + second.getString("session_id"), INTERNAL));
    assertThat(record.getString("client_public_key")).isEqualTo(Base64.getEncoder().encodeToString(key));
  }

  @Test
  void wrongCodesCountDownAndTheSixthGuessIsExpired() throws Exception {
    JsonObject challenge = start("countdown@example.com");
    String code = code(mailTo("countdown@example.com"));
    for (int left = 4; left >= 0; left--) {
      HttpResponse<String> wrong = verify(challenge, wrongCode(code), new JsonObject());
      assertProblem(wrong, 401, "code-invalid");
      assertThat(Api.json(wrong).getInteger("attempts_left")).isEqualTo(left);
      assertThat(wrong.body()).doesNotContain(code);
    }
    assertProblem(verify(challenge, code, new JsonObject()), 401, "code-expired");
  }

  @Test
  void aCodeWorksOnce() throws Exception {
    JsonObject challenge = start("once@example.com");
    String code = code(mailTo("once@example.com"));

    assertThat(verify(challenge, code, new JsonObject()).statusCode()).isEqualTo(201);
    assertProblem(verify(challenge, code, new JsonObject()), 401, "code-expired");
  }

  @Test
  void anExpiredChallengeIsRefused() throws Exception {
    JsonObject challenge = start("late@example.com");
    String code = code(mailTo("late@example.com"));
    sql("UPDATE login_challenges SET expires_at = now() - interval '1 second' WHERE challenge_id = '"
        + challenge.getString("challenge_id") + "'");

    assertProblem(verify(challenge, code, new JsonObject()), 401, "code-expired");
  }

  @Test
  void anUnknownChallengeIsExpired() throws Exception {
    JsonObject unknown = new JsonObject().put("challenge_id", UUID.randomUUID().toString());
    assertProblem(verify(unknown, "123456", new JsonObject()), 401, "code-expired");
  }

  @Test
  @DisplayName("twenty concurrent wrong guesses: exactly five are counted, the rest find the challenge spent")
  void concurrentWrongGuessesNeverExceedTheBudget() throws Exception {
    JsonObject challenge = start("race@example.com");
    String code = code(mailTo("race@example.com"));
    List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      guesses.add(HTTP.sendAsync(post(VERIFY, body(challenge, wrongCode(code))), HttpResponse.BodyHandlers.ofString()));
    }
    int invalid = 0;
    int expired = 0;
    for (CompletableFuture<HttpResponse<String>> guess : guesses) {
      String type = Api.json(guess.get()).getString("type");
      invalid += type.endsWith(":code-invalid") ? 1 : 0;
      expired += type.endsWith(":code-expired") ? 1 : 0;
    }

    assertThat(invalid).isEqualTo(5);
    assertThat(expired).isEqualTo(15);
    assertThat(count("SELECT wrong_guesses FROM login_challenges WHERE challenge_id = '"
        + challenge.getString("challenge_id") + "'")).isEqualTo(5);
    assertProblem(verify(challenge, code, new JsonObject()), 401, "code-expired");
  }

  @Test
  void aNewChallengeDoesNotResetTheGuessesAndReplacesTheOldOne() throws Exception {
    JsonObject first = start("again@example.com");
    String firstCode = code(mailTo("again@example.com"));
    for (int i = 0; i < 3; i++) {
      assertProblem(verify(first, wrongCode(firstCode), new JsonObject()), 401, "code-invalid");
    }
    JsonObject second = start("again@example.com");
    String secondCode = code(mailTo("again@example.com"));

    HttpResponse<String> wrong = verify(second, wrongCode(secondCode), new JsonObject());
    assertThat(Api.json(wrong).getInteger("attempts_left")).isEqualTo(1);
    assertProblem(verify(first, firstCode, new JsonObject()), 401, "code-expired");
    assertThat(verify(second, secondCode, new JsonObject()).statusCode()).isEqualTo(201);
  }

  @Test
  @DisplayName("beyond the hourly challenges of an address: still 202, but no mail and nothing stored")
  void beyondTheHourlyChallengesNothingIsMailed() throws Exception {
    List<JsonObject> challenges = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      challenges.add(start("flood@example.com"));
    }

    // each 202 came after its mail was accepted: what GreenMail holds now is all that was sent
    assertThat(mailsTo("flood@example.com")).hasSize(5);
    assertThat(count("SELECT count(*) FROM login_challenges WHERE email = 'flood@example.com'")).isEqualTo(5);
    assertProblem(verify(challenges.get(6), "123456", new JsonObject()), 401, "code-expired");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "/api/v1/public/login/email|{}",
      "/api/v1/public/login/email|{\"email\":42}",
      "/api/v1/public/login/email|{\"email\":\"not-an-address\"}",
      "/api/v1/public/login/email|{\"email\":\"a@b@example.com\"}",
      "/api/v1/public/login/email|[\"a@example.com\"]",
      "/api/v1/public/login/email|garbage",
      "/api/v1/public/login/email/verify|{\"challenge_id\":\"not-a-uuid\",\"code\":\"123456\"}",
      "/api/v1/public/login/email/verify|{\"challenge_id\":\"018f0000-0000-7000-8000-000000000001\"}",
      "/api/v1/public/login/email/verify|{\"challenge_id\":\"018f0000-0000-7000-8000-000000000001\",\"code\":123456}",
      "/api/v1/public/login/email/verify|{\"challenge_id\":\"018f0000-0000-7000-8000-000000000001\",\"code\":\"12345\"}",
      "/api/v1/public/login/email/verify|{\"challenge_id\":\"018f0000-0000-7000-8000-000000000001\",\"code\":\"123456\",\"client_public_key\":\"AAAA\"}",
      "/api/v1/public/login/email/verify|{\"challenge_id\":\"018f0000-0000-7000-8000-000000000001\",\"code\":\"123456\",\"device\":7}",
      "/api/v1/public/login/telegram|{}",
      "/api/v1/public/login/telegram|{\"widget\":{},\"init_data\":\"a=b\"}",
      "/api/v1/public/login/telegram|{\"widget\":\"id=1\"}",
      "/api/v1/public/login/telegram|{\"init_data\":{\"id\":1}}",
      "/api/v1/public/login/telegram|{\"init_data\":\"user=%7B%22id%22%3A7%7D&auth_date=1700000000\"}",
      "/api/v1/public/login/telegram|{\"init_data\":\"%%%\"}",
      "/api/v1/public/login/telegram|{\"widget\":{\"id\":1,\"auth_date\":1700000000}}",
  })
  void badInputIs400AndStoresNothing(String request) throws Exception {
    String[] parts = request.split("\\|", 2);
    long challenges = count("SELECT count(*) FROM login_challenges");
    long accounts = count("SELECT count(*) FROM accounts");
    long telegramLogins = count("SELECT count(*) FROM telegram_logins");
    long mails = smtp.getReceivedMessages().length;

    HttpResponse<String> response = HTTP.send(post(parts[0], parts[1]), HttpResponse.BodyHandlers.ofString());

    assertProblem(response, 400, "invalid-request");
    assertThat(count("SELECT count(*) FROM login_challenges")).isEqualTo(challenges);
    assertThat(count("SELECT count(*) FROM telegram_logins")).isEqualTo(telegramLogins);
    assertThat(count("SELECT count(*) FROM accounts")).isEqualTo(accounts);
    assertThat(smtp.getReceivedMessages()).hasSize((int) mails);
  }

  @Test
  @DisplayName("the login widget signs in once; its replay, a changed field and a stale one are refused; an unknown signed field is fine")
  void telegramWidget() throws Exception {
    long now = Instant.now().getEpochSecond();
    JsonObject widget = TelegramSigner.widget(BOT_TOKEN, Map.of("id", 5001L, "first_name", "Tom", "auth_date", now,
        "a_field_telegram_adds_in_2031", "whatever"));

    HttpResponse<String> created = telegram(new JsonObject().put("widget", widget).put("device", "phone"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject me = Api.json(api.get("/api/v1/user/me", Api.json(created).getString("token")));
    assertThat(me.getJsonArray("identities").getJsonObject(0))
        .isEqualTo(new JsonObject().put("kind", "telegram").put("subject", "5001"));
    assertProblem(telegram(new JsonObject().put("widget", widget)), 401, "telegram-replayed");
    assertProblem(telegram(new JsonObject().put("widget", widget.copy().put("id", 5002L))), 401, "telegram-invalid");
    JsonObject stale = TelegramSigner.widget(BOT_TOKEN, Map.of("id", 5003L, "auth_date", now - 86_401));
    assertProblem(telegram(new JsonObject().put("widget", stale)), 401, "telegram-stale");
    JsonObject otherBot = TelegramSigner.widget("111:another-bot-token-0123456789", Map.of("id", 5004L, "auth_date", now));
    assertProblem(telegram(new JsonObject().put("widget", otherBot)), 401, "telegram-invalid");
  }

  @Test
  @DisplayName("Mini App initData with a percent-encoded user signs in as that user, once")
  void telegramInitData() throws Exception {
    String user = "{\"id\":6001,\"first_name\":\"Zoë & co\",\"username\":\"zoe\",\"allows_write_to_pm\":true}";
    String initData = TelegramSigner.initData(BOT_TOKEN, Map.of("user", user, "auth_date",
        Long.toString(Instant.now().getEpochSecond()), "query_id", "AAHdF6IQAAAAAN0XohDhrOrc", "chat_type", "sender"));
    assertThat(initData).contains("user=%7B%22id%22%3A6001");

    HttpResponse<String> created = telegram(new JsonObject().put("init_data", initData));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(Api.json(created).getBoolean("account_created")).isTrue();
    assertProblem(telegram(new JsonObject().put("init_data", initData)), 401, "telegram-replayed");
    assertProblem(telegram(new JsonObject().put("init_data", initData.replace("chat_type=sender", "chat_type=group"))),
        401, "telegram-invalid");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  @DisplayName("with the SMTP server down: 503 mail-unavailable, counted, and nothing kept")
  void smtpDown() throws Exception {
    smtp.stop();
    long challenges = count("SELECT count(*) FROM login_challenges");

    HttpResponse<String> response = HTTP.send(post(EMAIL, new JsonObject().put("email", "down@example.com").encode()),
        HttpResponse.BodyHandlers.ofString());

    assertProblem(response, 503, "mail-unavailable");
    assertThat(response.headers().firstValue("retry-after")).isPresent();
    assertThat(count("SELECT count(*) FROM login_challenges")).isEqualTo(challenges);
    String metrics = api.get("/metrics", null).body();
    assertThat(metrics).containsPattern("latchkey_login_attempts_total\\{[^}]*method=\"email\",outcome=\"mail_unavailable\"[^}]*\\} 1\\.0");
    assertThat(metrics).containsPattern("latchkey_login_attempts_total\\{[^}]*method=\"email_verify\",outcome=\"code_invalid\"[^}]*\\} [1-9]");
  }

  // --- helpers

  private static JsonObject start(String email) throws Exception {
    HttpResponse<String> response = HTTP.send(post(EMAIL, new JsonObject().put("email", email).encode()),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonObject challenge = Api.json(response);
    assertThat(challenge.fieldNames()).containsExactlyInAnyOrder("challenge_id", "expires_at");
    return challenge;
  }

  private static HttpResponse<String> verify(JsonObject challenge, String code, JsonObject extra) throws Exception {
    JsonObject body = extra.copy().put("challenge_id", challenge.getString("challenge_id")).put("code", code);
    return HTTP.send(post(VERIFY, body.encode()), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> telegram(JsonObject body) throws Exception {
    return HTTP.send(post(TELEGRAM, body.encode()), HttpResponse.BodyHandlers.ofString());
  }

  private static String body(JsonObject challenge, String code) {
    return new JsonObject().put("challenge_id", challenge.getString("challenge_id")).put("code", code).encode();
  }

  private static HttpRequest post(String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** The newest mail to the address (its 202 came after the SMTP server accepted it). */
  private static MimeMessage mailTo(String address) throws Exception {
    List<MimeMessage> mails = mailsTo(address);
    assertThat(mails).as("mails to " + address).isNotEmpty();
    return mails.get(mails.size() - 1);
  }

  private static List<MimeMessage> mailsTo(String address) throws Exception {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage mail : smtp.getReceivedMessages()) {
      if (mail.getAllRecipients()[0].toString().equals(address)) {
        out.add(mail);
      }
    }
    return out;
  }

  private static String code(MimeMessage mail) {
    Matcher m = CODE.matcher(GreenMailUtil.getWholeMessage(mail));
    assertThat(m.find()).as("a code in the mail").isTrue();
    codesSent.add(m.group(1));
    return m.group(1);
  }

  private static String wrongCode(String code) {
    return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
  }

  static void assertProblem(HttpResponse<String> response, int status, String name) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(Api.json(response).getString("type")).isEqualTo("urn:latchkey:problem:" + name);
  }

  private static long count(String sql) throws Exception {
    return TestPostgres.count(database, sql);
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      s.execute(statement);
    }
  }
}
