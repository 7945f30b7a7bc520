package io.latchkey.db;

import io.latchkey.config.ConfigException;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;

/**
 * Where the service's PostgreSQL is: parsed once from {@code DATABASE_URL} (or made by the embedded
 * database) and turned into both the vertx-pg-client options the store uses and the JDBC URL Flyway
 * migrates through. {@link #toString()} never shows the password.
 */
public record DatabaseTarget(String host, int port, String database, String user, String password) {

  /**
   * Parses {@code postgresql://user:pass@host:port/db}.
   *
   * @throws ConfigException without echoing the URL, which may carry a password
   */
  public static DatabaseTarget fromUrl(String url) {
    PgConnectOptions parsed;
    try {
      parsed = PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw new ConfigException("DATABASE_URL is not a valid postgresql://user:password@host:port/database URL");
    }
    return new DatabaseTarget(parsed.getHost(), parsed.getPort(), parsed.getDatabase(), parsed.getUser(),
        parsed.getPassword());
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** The URL form, as {@code DATABASE_URL} takes it. */
  public String url() {
    String credentials = password == null || password.isEmpty() ? user : user + ":" + password;
    return "postgresql://" + credentials + "@" + host + ":" + port + "/" + database;
  }

  /**
   * Options for the pool: {@code search_path} pins every unqualified name to the service's schema, and
   * {@code statement_timeout} makes PostgreSQL itself end any statement that runs longer than the
   * service is willing to wait (a lock held by someone else, a stuck plan), freeing its connection.
   */
  public PgConnectOptions connectOptions(String schema, Duration statementTimeout) {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .setCachePreparedStatements(true);
    options.addProperty("application_name", "latchkey");
    options.addProperty("search_path", schema);
    options.addProperty("statement_timeout", Long.toString(statementTimeout.toMillis()));
    return options;
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
