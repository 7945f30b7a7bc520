package io.latchkey.testing;

import io.latchkey.session.Tokens;
import io.latchkey.db.DatabaseTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The PostgreSQL server of the test JVM: an embedded one (real binaries, started once per JVM), or the
 * existing server named by {@code TEST_DATABASE_URL} (its user needs CREATEDB). Every test class asks for
 * a {@link #freshDatabase() fresh database}, so classes never see each other's rows.
 */
public final class TestPostgres {

  private static DatabaseTarget server;

  private TestPostgres() {}

  /** A new, empty database on the test server. */
  public static synchronized DatabaseTarget freshDatabase() {
    DatabaseTarget admin = server();
    String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    try (Connection c = connect(admin); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + admin, e);
    }
    return new DatabaseTarget(admin.host(), admin.port(), name, admin.user(), admin.password());
  }

  /** A JDBC connection for the test's own set-up and checks (never the code under test). */
  public static Connection connect(DatabaseTarget target) throws SQLException {
    return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
  }

  /** Runs a {@code SELECT count(*)}-like query in the service's schema and returns its single number. */
  public static long count(DatabaseTarget target, String sql) throws SQLException {
    try (Connection c = connect(target); Statement s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      try (ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Inserts an active session straight into the database, behind the service's back (so no node has it
   * cached), and returns its token.
   */
  public static String insertSession(DatabaseTarget target, UUID account) throws SQLException {
    String token = Tokens.generate();
    try (Connection c = connect(target); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO latchkey.sessions (session_id, account_id, token_hash) VALUES (?, ?, ?)")) {
      ps.setObject(1, UUID.randomUUID());
      ps.setObject(2, account);
      ps.setBytes(3, Tokens.hash(token).bytes());
      ps.executeUpdate();
    }
    return token;
  }

  /** The server's administrative database (to terminate connections, alter databases, ...). */
  public static DatabaseTarget admin() {
    return server();
  }

  private static DatabaseTarget server() {
    if (server == null) {
      String url = System.getenv("TEST_DATABASE_URL");
      server = url != null && !url.isBlank() ? DatabaseTarget.fromUrl(url) : startEmbedded();
    }
    return server;
  }

  private static DatabaseTarget startEmbedded() {
    try {
      Path dir = Files.createTempDirectory("latchkey-test-pg");
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(true)
          .setServerConfig("max_connections", "300")
          .setServerConfig("listen_addresses", "127.0.0.1")
          .start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          postgres.close();
        } catch (IOException ignored) {
          // the JVM is exiting; the temporary directory goes with the machine's tmp clean-up
        }
      }));
      return new DatabaseTarget("127.0.0.1", postgres.getPort(), "postgres", "postgres", "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
    }
  }
}
