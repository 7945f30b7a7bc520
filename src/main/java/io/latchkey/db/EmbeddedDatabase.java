package io.latchkey.db;

import io.latchkey.config.ConfigException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-set-up PostgreSQL used when {@code DATABASE_URL} is unset: real PostgreSQL binaries from
 * Maven Central (io.zonky.test), data kept under {@code DATA_DIR/postgres} across restarts, listening on
 * loopback only. Not part of the container image, which requires {@code DATABASE_URL}.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  /** What io.zonky says when the binaries artifact is not on the class path (the container build). */
  private static final String NO_BINARIES = "Missing embedded postgres binaries";

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts PostgreSQL on {@code dataDir/postgres}, initialising it on first use. Port 0 picks a free port.
   *
   * @throws ConfigException when this build carries no PostgreSQL binaries (the container image)
   */
  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
    Path pgData = dataDir.toAbsolutePath().resolve("postgres");
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setServerConfig("listen_addresses", "127.0.0.1");
    if (port != 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres;
    try {
      postgres = builder.start();
    } catch (IllegalStateException e) {
      if (NO_BINARIES.equals(e.getMessage())) {
        throw new ConfigException("DATABASE_URL must be set: this build carries no embedded PostgreSQL");
      }
      throw e;
    }
    LOG.info("Embedded PostgreSQL started on 127.0.0.1:{} with data in {}", postgres.getPort(), pgData);
    return new EmbeddedDatabase(postgres);
  }

  public DatabaseTarget target() {
    return new DatabaseTarget("127.0.0.1", postgres.getPort(), "postgres", "postgres", "");
  }

  @Override
  public void close() throws IOException {
    postgres.close();
    LOG.info("Embedded PostgreSQL stopped");
  }
}
