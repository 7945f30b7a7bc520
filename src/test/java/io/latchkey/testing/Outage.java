package io.latchkey.testing;

import io.latchkey.db.DatabaseTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes one test database unreachable (no new connections, existing ones cut) the way an outage would,
 * and brings it back. Closing the outage always restores the database.
 */
public final class Outage implements AutoCloseable {

  private final DatabaseTarget database;

  private Outage(DatabaseTarget database) {
    this.database = database;
  }

  public static Outage of(DatabaseTarget database) throws SQLException {
    Outage outage = new Outage(database);
    outage.set(false);
    return outage;
  }

  @Override
  public void close() throws SQLException {
    set(true);
  }

  private void set(boolean allowed) throws SQLException {
    try (Connection admin = TestPostgres.connect(TestPostgres.admin()); Statement s = admin.createStatement()) {
      s.execute("ALTER DATABASE " + database.database() + " WITH ALLOW_CONNECTIONS " + allowed);
      if (!allowed) {
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database.database()
            + "' AND pid <> pg_backend_pid()");
      }
    }
  }
}
