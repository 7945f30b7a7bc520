package io.latchkey.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
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
  private static final String ZONKY = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Whether this build carries the embedded PostgreSQL (the container build does not). */
  public static boolean available() {
    try {
      Class.forName(ZONKY, false, EmbeddedDatabase.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Starts PostgreSQL on {@code dataDir/postgres}, initialising it on first use. Port 0 picks a free port. */
  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
    Path pgData = dataDir.toAbsolutePath().resolve("postgres");
    Files.createDirectories(pgData);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setServerConfig("listen_addresses", "127.0.0.1");
    if (port != 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
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
