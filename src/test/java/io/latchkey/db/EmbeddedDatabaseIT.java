package io.latchkey.db;

import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL's password: generated on first start, kept in {@code DATA_DIR}, required. */
class EmbeddedDatabaseIT {

  @TempDir
  Path dataDir;

  @Test
  @DisplayName("a new data directory gets a generated password (file mode 600) that every connection needs")
  void newDataDirectoryRequiresThePassword() throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir, 0)) {
      assertPasswordRequired(database);
    }
  }

  @Test
  @DisplayName("a data directory from before passwords (trust, no password file) is switched to the password")
  void trustingDataDirectoryIsMigrated() throws Exception {
    EmbeddedPostgres.builder()
        .setDataDirectory(dataDir.resolve("postgres"))
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start()
        .close();
    assertThat(dataDir.resolve("postgres.password")).doesNotExist();

    // the refusals below also show pg_hba.conf was rewritten on disk: a reload reads it from there
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir, 0)) {
      assertPasswordRequired(database);
    }
  }

  private void assertPasswordRequired(EmbeddedDatabase database) throws Exception {
    Path file = dataDir.resolve("postgres.password");
    assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(OWNER_READ, OWNER_WRITE);
    String password = Files.readString(file).strip();
    assertThat(password).hasSizeGreaterThanOrEqualTo(32);
    DatabaseTarget target = database.target();
    assertThat(target.password()).isEqualTo(password);
    assertThat(target.toString()).doesNotContain(password);

    assertThatThrownBy(() -> connect(target, null)).as("no password").isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> connect(target, "")).as("an empty password").isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> connect(target, password + "x")).as("a wrong password")
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    try (Connection connection = connect(target, password)) {
      assertThat(connection.isValid(2)).isTrue();
    }
  }

  private static Connection connect(DatabaseTarget target, String password) throws SQLException {
    return password == null
        ? DriverManager.getConnection(target.jdbcUrl() + "?user=" + target.user())
        : DriverManager.getConnection(target.jdbcUrl(), target.user(), password);
  }
}
