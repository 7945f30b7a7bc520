package io.latchkey.testing;

import io.latchkey.db.DatabaseTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server of a test's own (real binaries, its own data directory and port) that the test can
 * stop and start again, or freeze and thaw, to play a database outage against a running node. Started
 * again, it keeps its data and its port, as a restarted database server does.
 */
public final class StoppablePostgres implements AutoCloseable {

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres running;
  private boolean frozen;

  private StoppablePostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Initialises a data directory under {@code parent} and starts the server on a free port. */
  public static StoppablePostgres start(Path parent) throws IOException {
    StoppablePostgres postgres = new StoppablePostgres(Files.createDirectories(parent.resolve("pg")),
        NodeProcess.freePort());
    postgres.start();
    return postgres;
  }

  /** Starts the server again on the same data and port. */
  public void start() throws IOException {
    running = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
  }

  /** Stops the server (fast shutdown: open connections are cut). */
  public void stop() throws IOException {
    running.close();
    running = null;
  }

  /**
   * Freezes the server and every backend (SIGSTOP): connections stay open but nothing answers, as with a
   * hung host or a network black hole. {@link #thaw()} resumes them.
   */
  public void freeze() throws IOException, InterruptedException {
    frozen = true;
    signal("-STOP");
  }

  /** Resumes a frozen server; does nothing to one that is not frozen. */
  public void thaw() throws IOException, InterruptedException {
    if (frozen) {
      signal("-CONT");
      frozen = false;
    }
  }

  public DatabaseTarget target() {
    return new DatabaseTarget("127.0.0.1", port, "postgres", "postgres", "");
  }

  @Override
  public void close() throws Exception {
    if (running != null) {
      thaw();
      stop();
    }
  }

  /** Signals the postmaster, then each of its current backends (one that just ended is skipped). */
  private void signal(String signal) throws IOException, InterruptedException {
    long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    if (kill(signal, postmaster) != 0) {
      throw new IOException("kill " + signal + " " + postmaster + " failed");
    }
    for (ProcessHandle child : ProcessHandle.of(postmaster).orElseThrow().children().toList()) {
      kill(signal, child.pid());
    }
  }

  private static int kill(String signal, long pid) throws IOException, InterruptedException {
    return new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start().waitFor();
  }
}
