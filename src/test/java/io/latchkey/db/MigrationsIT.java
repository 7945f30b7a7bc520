package io.latchkey.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MigrationsIT {

  private static final String SCHEMA = "latchkey";
  private static DatabaseTarget database;
  private static MigrateResult first;

  @BeforeAll
  static void migrateAnEmptyDatabase() {
    database = TestPostgres.freshDatabase();
    first = Migrations.migrate(database, SCHEMA);
  }

  @Test
  void firstRunAppliesEveryMigrationIntoTheOwnSchema() throws SQLException {
    assertThat(first.success).isTrue();
    assertThat(first.migrationsExecuted).isGreaterThanOrEqualTo(1);
    assertThat(tables()).contains("accounts", "identities", "sessions", "login_challenges", "telegram_logins",
        "audit_events", "revocation_log");
  }

  @Test
  void secondRunIsANoOp() {
    MigrateResult again = Migrations.migrate(database, SCHEMA);

    assertThat(again.success).isTrue();
    assertThat(again.migrationsExecuted).isZero();
    assertThat(again.initialSchemaVersion).isEqualTo(first.targetSchemaVersion);
  }

  @Test
  void anotherSchemaNameGetsItsOwnTables() throws SQLException {
    MigrateResult other = Migrations.migrate(database, "tenant_b");

    assertThat(other.migrationsExecuted).isEqualTo(first.migrationsExecuted);
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tenant_b'")) {
      rs.next();
      assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void identityIsUniquePerKindAndSubject() throws SQLException {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = " + SCHEMA);
      s.execute("INSERT INTO accounts (account_id) VALUES ('018f0000-0000-7000-8000-000000000001')");
      s.execute("INSERT INTO accounts (account_id) VALUES ('018f0000-0000-7000-8000-000000000002')");
      s.execute("INSERT INTO identities (identity_id, account_id, kind, subject) VALUES "
          + "('018f0000-0000-7000-8000-0000000000a1', '018f0000-0000-7000-8000-000000000001', 'email', 'a@example.com')");
      assertThatThrownBy(() -> s.execute("INSERT INTO identities (identity_id, account_id, kind, subject) VALUES "
          + "('018f0000-0000-7000-8000-0000000000a2', '018f0000-0000-7000-8000-000000000002', 'email', 'a@example.com')"))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23505");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "INSERT INTO identities (identity_id, account_id, kind, subject) VALUES (gen_random_uuid(), '018f0000-0000-7000-8000-000000000001', 'phone', '123')",
      "INSERT INTO identities (identity_id, account_id, kind, subject) VALUES (gen_random_uuid(), '018f0000-0000-7000-8000-000000000001', 'email', ' Mixed@Example.com')",
      "INSERT INTO identities (identity_id, account_id, kind, subject) VALUES (gen_random_uuid(), '018f0000-0000-7000-8000-000000000001', 'telegram', '-5')",
      "INSERT INTO sessions (session_id, account_id, token_hash) VALUES (gen_random_uuid(), '018f0000-0000-7000-8000-000000000001', '\\x00')",
      "INSERT INTO sessions (session_id, account_id, token_hash, status) VALUES (gen_random_uuid(), '018f0000-0000-7000-8000-000000000001', decode(repeat('ab', 32), 'hex'), 'revoked')",
  })
  void constraintsRejectMalformedRows(String insert) throws SQLException {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = " + SCHEMA);
      s.execute("INSERT INTO accounts (account_id) VALUES ('018f0000-0000-7000-8000-000000000001') ON CONFLICT DO NOTHING");
      assertThatThrownBy(() -> s.execute(insert))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23514");
    }
  }

  @Test
  @DisplayName("every revocation is logged and audited by the database itself: an UPDATE, a deleted active session, "
      + "a cascade; from a connection with no search path")
  void everyRevocationIsLoggedWhateverRevokes() throws SQLException {
    String account = "018f0000-0000-7000-8000-0000000000f1";
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("INSERT INTO latchkey.accounts (account_id) VALUES ('" + account + "')");
      for (String id : List.of("f2", "f3", "f4")) {
        s.execute("INSERT INTO latchkey.sessions (session_id, account_id, token_hash) VALUES ('018f0000-0000-7000-8000-0000000000"
            + id + "', '" + account + "', decode(repeat('" + id + "', 32), 'hex'))");
      }
      s.execute("UPDATE latchkey.sessions SET status = 'revoked', revoked_at = clock_timestamp(), revoked_reason = 'expired', "
          + "revoked_by = 'system' WHERE session_id = '018f0000-0000-7000-8000-0000000000f2'");
      s.execute("UPDATE latchkey.sessions SET revoked_reason = 'again', revoked_by = 'nobody' "
          + "WHERE session_id = '018f0000-0000-7000-8000-0000000000f2'");
      s.execute("DELETE FROM latchkey.sessions WHERE session_id = '018f0000-0000-7000-8000-0000000000f3'");
      s.execute("DELETE FROM latchkey.accounts WHERE account_id = '" + account + "'");

      List<String> logged = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT session_id, encode(token_hash, 'hex'), reason, actor FROM latchkey.revocation_log "
          + "WHERE account_id = '" + account + "' ORDER BY seq")) {
        while (rs.next()) {
          logged.add(rs.getString(1).substring(34) + " " + rs.getString(2).substring(0, 4) + " " + rs.getString(3) + " "
              + rs.getString(4));
        }
      }
      assertThat(logged).containsExactly("f2 f2f2 expired system", "f3 f3f3 deleted system", "f4 f4f4 deleted system");
      List<String> audited = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT action, actor, reason FROM latchkey.audit_events "
          + "WHERE account_id = '" + account + "' ORDER BY event_id")) {
        while (rs.next()) {
          audited.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
        }
      }
      assertThat(audited).containsExactly("session.revoked system expired", "session.revoked system deleted",
          "session.revoked system deleted");
    }
  }

  @Test
  void theDatabaseMakesVersion7UuidsOnItsClock() throws SQLException {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT latchkey.uuid7_now(), latchkey.uuid7_now()")) {
      rs.next();
      UUID first = rs.getObject(1, UUID.class);
      UUID second = rs.getObject(2, UUID.class);
      assertThat(first.version()).isEqualTo(7);
      assertThat(first.variant()).isEqualTo(2);
      assertThat(first).isNotEqualTo(second);
      long millis = first.getMostSignificantBits() >>> 16;
      assertThat(millis).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 60_000);
    }
  }

  /** With sequential scans priced out, a query whose plan still has no index has no index to use. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT * FROM sessions WHERE token_hash = '\\x00'",
      "SELECT * FROM sessions WHERE session_id = '018f0000-0000-7000-8000-000000000001'",
      "SELECT * FROM sessions WHERE account_id = '018f0000-0000-7000-8000-000000000001' ORDER BY created_at DESC",
      "UPDATE sessions SET status = 'revoked', revoked_at = now() WHERE account_id = '018f0000-0000-7000-8000-000000000001' AND status = 'active'",
      "SELECT * FROM sessions WHERE status = 'active' ORDER BY coalesce(last_seen_at, created_at) DESC LIMIT 10",
      "SELECT session_id, token_hash FROM revocation_log WHERE revoked_at > now() - interval '1 minute' ORDER BY revoked_at LIMIT 10",
      "DELETE FROM revocation_log WHERE seq IN (SELECT seq FROM revocation_log WHERE revoked_at < now() - interval '7 days' ORDER BY revoked_at LIMIT 1000)",
      "SELECT * FROM accounts WHERE account_id = '018f0000-0000-7000-8000-000000000001' FOR UPDATE",
      "SELECT account_id FROM accounts WHERE account_id > '00000000-0000-0000-0000-000000000000' ORDER BY account_id LIMIT 101",
      "DELETE FROM sessions WHERE account_id = '018f0000-0000-7000-8000-000000000001'",
      "DELETE FROM identities WHERE account_id = '018f0000-0000-7000-8000-000000000001'",
      "SELECT * FROM audit_events WHERE event_id > '00000000-0000-0000-0000-000000000000' ORDER BY event_id LIMIT 101",
      "SELECT * FROM audit_events WHERE account_id = '018f0000-0000-7000-8000-000000000001' AND event_id > '00000000-0000-0000-0000-000000000000' ORDER BY event_id LIMIT 101",
      "SELECT session_id FROM sessions WHERE status = 'active' AND (created_at < now() - interval '1 hour' OR coalesce(last_seen_at, created_at) < now() - interval '1 hour') LIMIT 1000 FOR UPDATE SKIP LOCKED",
      "SELECT session_id FROM sessions WHERE status = 'active' AND (created_at < now() - interval '1 hour') LIMIT 1000 FOR UPDATE SKIP LOCKED",
      "SELECT * FROM identities WHERE kind = 'email' AND subject = 'a@example.com'",
      "SELECT * FROM identities WHERE account_id = '018f0000-0000-7000-8000-000000000001'",
      "UPDATE login_challenges SET closed_at = now(), closed_reason = 'superseded' WHERE email = 'a@example.com' AND closed_at IS NULL",
      "SELECT count(*), sum(wrong_guesses) FROM login_challenges WHERE email = 'a@example.com' AND created_at > now() - interval '1 hour'",
      "UPDATE login_challenges SET wrong_guesses = wrong_guesses + 1 WHERE challenge_id = '018f0000-0000-7000-8000-000000000001' AND closed_at IS NULL AND expires_at > now() AND wrong_guesses < max_guesses",
      "DELETE FROM login_challenges WHERE challenge_id = '018f0000-0000-7000-8000-000000000001'",
      "SELECT challenge_id FROM login_challenges WHERE expires_at < now() - interval '1 hour' LIMIT 16",
      "SELECT * FROM telegram_logins WHERE payload_hash = '\\x00'",
      "SELECT payload_hash FROM telegram_logins WHERE stale_at < now() LIMIT 16",
  })
  void everyPlannedQueryIsAnIndexLookup(String query) throws SQLException {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = " + SCHEMA);
      s.execute("SET enable_seqscan = off");
      List<String> plan = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("EXPLAIN " + query)) {
        while (rs.next()) {
          plan.add(rs.getString(1));
        }
      }
      assertThat(String.join("\n", plan)).containsPattern("Index (Only )?Scan|Bitmap Index Scan");
    }
  }

  private static List<String> tables() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + SCHEMA + "'")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
