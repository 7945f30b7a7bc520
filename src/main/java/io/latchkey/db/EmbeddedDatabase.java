package io.latchkey.db;

import io.latchkey.config.ConfigException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  private static final long LEFT_OVER_STOP_SECONDS = 60;

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
    Path pgData = dataDir.toAbsolutePath().normalize().resolve("postgres");
    stopLeftOver(pgData);
    // io.zonky tunes PostgreSQL for throw-away test databases (no fsync, asynchronous commit); this one
    // keeps sessions and revocations, so a commit the service answered must survive a crash
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
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

  /**
   * A node killed without its shutdown (kill -9, a crash) leaves its PostgreSQL running on the data
   * directory, which would refuse a second server. That server has no client left: stop it (SIGTERM,
   * PostgreSQL's smart shutdown) and wait for it, so the restart takes the directory over cleanly.
   */
  private static void stopLeftOver(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    Optional<ProcessHandle> server = lines.size() < 2 ? Optional.empty() : parsePid(lines.get(0))
        .flatMap(ProcessHandle::of)
        .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
        .filter(p -> Path.of(lines.get(1).trim()).toAbsolutePath().normalize().equals(pgData));
    if (server.isEmpty()) {
      return;
    }
    LOG.warn("Stopping the embedded PostgreSQL a previous run left on {} (pid {})", pgData, server.get().pid());
    server.get().destroy();
    try {
      server.get().onExit().get(LEFT_OVER_STOP_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IOException("the PostgreSQL a previous run left on " + pgData + " (pid " + server.get().pid()
          + ") did not stop within " + LEFT_OVER_STOP_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping a left-over PostgreSQL", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  private static Optional<Long> parsePid(String line) {
    try {
      return Optional.of(Long.parseLong(line.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
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
