package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SPEC §2's identity rule and the device label over HTTP, on one node and a real PostgreSQL: input the service
 * refuses is a 400 that stores nothing (never a 503 from a database check), and nothing folds one identity into
 * another. Bodies are written with JSON escapes, so a lone surrogate or a NUL reaches the server as sent.
 */
class IdentityInputIT {

  private static final String INTERNAL = "identity-internal-key-0123456789";
  private static final String ADMIN = "identity-admin-key-0123456789";
  private static final String SESSIONS = "/api/v1/internal/sessions";

  private static DatabaseTarget database;
  private static Application node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    database = TestPostgres.freshDatabase();
    node = Application.start(TestConfig.forDatabase(database, Map.of("INTERNAL_API_KEYS", INTERNAL,
        "ADMIN_API_KEYS", ADMIN)));
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @Test
  @DisplayName("the Kelvin sign is a 400, not kate's account: no session, no account, no admin hit")
  void theKelvinSignDoesNotReachKatesAccount() throws Exception {
    JsonObject kate = created(create("email", "kate@example.com", null));
    List<Long> before = counts();

    HttpResponse<String> kelvin = create("email", "\u212Aate@example.com", null);

    ApiIT.assertProblem(kelvin, 400);
    assertThat(counts()).isEqualTo(before);
    assertThat(sessionsOf(kate.getString("account_id"))).isEqualTo(1);
    ApiIT.assertProblem(api.get("/api/v1/admin/accounts?kind=email&subject=%E2%84%AAate%40example.com", ADMIN), 400);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "NUL in an email|email|a\\u0000b@example.com",
      "a lone high surrogate|email|\\ud800@example.com",
      "a lone low surrogate|email|x\\udc00@example.com",
      "U+2C2F, which PostgreSQL's lower() maps (unassigned in Java 17)|email|\\u2c2fa@example.com",
      "a zero-width space|email|ka\\u200bte@example.com",
      "a zero-width joiner|email|ka\\u200dte@example.com",
      "NBSP|email|\\u00a0kate@example.com",
      "right-to-left override|email|\\u202ekate@example.com",
      "left-to-right override|email|kate\\u202d@example.com",
      "sharp s in the domain|email|kate@stra\\u00dfe.de",
      "fullwidth digits|telegram|\\uff14\\uff12",
      "Arabic-Indic digits|telegram|\\u0664\\u0662",
      "NUL before a telegram id|telegram|\\u000042",
  })
  void aSubjectTheRuleRefusesIsA400AndStoresNothing(String why, String kind, String escaped) throws Exception {
    List<Long> before = counts();

    HttpResponse<String> response = create(kind, escaped, null);

    ApiIT.assertProblem(response, 400);
    assertThat(counts()).as(why).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "NUL|a\\u0000b",
      "another control|tab\\u0009bed",
      "DEL|x\\u007f",
      "a lone high surrogate|\\ud83d phone",
      "a lone low surrogate|\\udcf1",
      "a line separator|two\\u2028lines",
      "right-to-left override|\\u202eenohp",
      "a right-to-left isolate|\\u2067x",
  })
  void aDeviceLabelTheRuleRefusesIsA400AndStoresNothing(String why, String escaped) throws Exception {
    List<Long> before = counts();

    HttpResponse<String> response = create("email", "device-label@example.com", escaped);

    ApiIT.assertProblem(response, 400);
    assertThat(counts()).as(why).isEqualTo(before);
  }

  @Test
  @DisplayName("emoji labels are kept as sent, up to 200 characters counted as PostgreSQL counts them")
  void emojiDeviceLabelsAreKeptAsSent() throws Exception {
    String family = "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 phone";
    String phones = "\ud83d\udcf1".repeat(200);

    for (String label : List.of(family, phones)) {
      JsonObject session = created(create("email", "emoji@example.com", escape(label)));
      assertThat(storedDevice(session.getString("session_id"))).isEqualTo(label);
    }
    List<Long> before = counts();
    ApiIT.assertProblem(create("email", "emoji@example.com", escape(phones + "\ud83d\udcf1")), 400);
    assertThat(counts()).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "NUL in the subject|kind=email&subject=a%00b%40example.com",
      "NUL in a telegram subject|kind=telegram&subject=%0042",
      "NUL in the kind|kind=email%00&subject=kate%40example.com",
      "right-to-left override|kind=email&subject=%E2%80%AEkate%40example.com",
      "an encoded lone surrogate|kind=email&subject=%ED%A0%80%40example.com",
      "fullwidth digits|kind=telegram&subject=%EF%BC%94%EF%BC%92",
  })
  void anAdminQueryTheRuleRefusesIsA400(String why, String query) throws Exception {
    ApiIT.assertProblem(api.get("/api/v1/admin/accounts?" + query, ADMIN), 400);
  }

  @Test
  @DisplayName("Ä is not an ASCII letter: Ärger and ärger are two identities, each stored as sent")
  void aNonAsciiCapitalIsKeptAndIsAnotherIdentity() throws Exception {
    JsonObject small = created(create("email", "\u00e4rger@example.com", null));
    JsonObject capital = created(create("email", "\u00c4rger@example.com", null));

    assertThat(capital.getBoolean("account_created")).isTrue();
    assertThat(capital.getString("account_id")).isNotEqualTo(small.getString("account_id"));
    assertThat(storedSubjects(capital.getString("account_id"))).containsExactly("\u00c4rger@example.com");
  }

  @Test
  @DisplayName("münchen.de and xn--mnchen-3ya.de are one identity, stored as the A-label; MÜNCHEN.de is a 400")
  void anInternationalisedDomainHasOneForm() throws Exception {
    JsonObject unicode = created(create("email", "kate@m\u00fcnchen.de", null));
    JsonObject ace = created(create("email", "Kate@XN--MNCHEN-3YA.de", null));

    assertThat(ace.getString("account_id")).isEqualTo(unicode.getString("account_id"));
    assertThat(ace.getBoolean("account_created")).isFalse();
    assertThat(storedSubjects(unicode.getString("account_id"))).containsExactly("kate@xn--mnchen-3ya.de");
    HttpResponse<String> found = api.get("/api/v1/admin/accounts?kind=email&subject=KATE%40M%C3%BCnchen.DE", ADMIN);
    assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
    assertThat(Api.json(found).getString("account_id")).isEqualTo(unicode.getString("account_id"));
    ApiIT.assertProblem(api.get("/api/v1/admin/accounts?kind=email&subject=kate%40M%C3%9CNCHEN.de", ADMIN), 400);
  }

  // ---------------------------------------------------------------------------------------------------

  /** An internal create; {@code subject} and {@code device} are JSON string contents, escapes included. */
  private static HttpResponse<String> create(String kind, String subject, String device) throws Exception {
    String body = "{\"identity\":{\"kind\":\"" + kind + "\",\"subject\":\"" + escape(subject) + "\"}"
        + (device == null ? "" : ",\"device\":\"" + device + "\"") + "}";
    return api.post(SESSIONS, INTERNAL, body);
  }

  private static JsonObject created(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return Api.json(response);
  }

  /** Every char outside printable ASCII as a JSON escape, so the body is ASCII and carries what it says. */
  private static String escape(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }

  private static List<Long> counts() throws Exception {
    return List.of(TestPostgres.count(database, "SELECT count(*) FROM accounts"),
        TestPostgres.count(database, "SELECT count(*) FROM identities"),
        TestPostgres.count(database, "SELECT count(*) FROM sessions"));
  }

  private static long sessionsOf(String accountId) throws Exception {
    return TestPostgres.count(database, "SELECT count(*) FROM sessions WHERE account_id = '" + accountId + "'");
  }

  private static String storedDevice(String sessionId) throws Exception {
    return query("SELECT device FROM sessions WHERE session_id = ?::uuid", sessionId).get(0);
  }

  private static List<String> storedSubjects(String accountId) throws Exception {
    return query("SELECT subject FROM identities WHERE account_id = ?::uuid ORDER BY subject", accountId);
  }

  private static List<String> query(String sql, String parameter) throws Exception {
    try (Connection c = TestPostgres.connect(database); Statement schema = c.createStatement()) {
      schema.execute("SET search_path = latchkey");
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, parameter);
        try (ResultSet rs = ps.executeQuery()) {
          List<String> out = new ArrayList<>();
          while (rs.next()) {
            out.add(rs.getString(1));
          }
          return out;
        }
      }
    }
  }
}
