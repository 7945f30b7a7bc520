package io.latchkey.db;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.latchkey.config.ConfigException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-set-up PostgreSQL used when {@code DATABASE_URL} is unset: real PostgreSQL binaries from
 * Maven Central (io.zonky.test), data kept under {@code DATA_DIR/postgres} across restarts, listening on
 * loopback only and requiring the password generated on first start ({@code DATA_DIR/postgres.password},
 * mode 600). The node holds an OS lock on {@code DATA_DIR/latchkey.lock} for as long as it runs, so two
 * processes never share one data directory. Not part of the container image, which requires
 * {@code DATABASE_URL}.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  /** What io.zonky says when the binaries artifact is not on the class path (the container build). */
  private static final String NO_BINARIES = "Missing embedded postgres binaries";
  static final String LOCK_FILE = "latchkey.lock";
  static final String PASSWORD_FILE = "postgres.password";
  private static final String SUPERUSER = "postgres";
  private static final String PASSWORD_AUTH = "scram-sha-256";
  /** The method of a pg_hba.conf line, when it is {@code trust}: its last field before any comment. */
  private static final Pattern TRUST = Pattern.compile("(?<=\\s)trust(?=\\s*(#.*)?$)");
  private static final Duration FAST_SHUTDOWN_WAIT = Duration.ofSeconds(30);
  private static final Duration IMMEDIATE_SHUTDOWN_WAIT = Duration.ofSeconds(10);
  private static final Duration RELOAD_WAIT = Duration.ofSeconds(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final FileChannel lock;
  private final EmbeddedPostgres postgres;
  private final String password;

  private EmbeddedDatabase(FileChannel lock, EmbeddedPostgres postgres, String password) {
    this.lock = lock;
    this.postgres = postgres;
    this.password = password;
  }

  /**
   * Takes {@code dataDir} over and starts PostgreSQL on {@code dataDir/postgres}, initialising it on first
   * use. Port 0 picks a free port.
   *
   * @throws ConfigException when another live process owns {@code dataDir} (nothing is touched then), or
   *     when this build carries no PostgreSQL binaries for this platform (the container image carries none)
   */
  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    FileChannel lock = lock(dir);
    try {
      Path pgData = dir.resolve("postgres");
      stopLeftOver(pgData);
      boolean initialised = Files.exists(pgData.resolve("postgresql.conf"));
      String password = password(dir, initialised && !trusts(pgData));
      EmbeddedPostgres postgres = startServer(pgData, port, dir.resolve(PASSWORD_FILE), password);
      try {
        if (initialised) {
          requirePassword(postgres, pgData, password, dir.resolve(PASSWORD_FILE));
        }
      } catch (IOException | RuntimeException e) {
        postgres.close();
        throw e;
      }
      LOG.info("Embedded PostgreSQL started on 127.0.0.1:{} with data in {}", postgres.getPort(), pgData);
      return new EmbeddedDatabase(lock, postgres, password);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Locks {@code DATA_DIR/latchkey.lock} and writes this process's pid in it. The lock, not the pid, tells
   * a live owner from a dead one: the kernel releases it when its process ends, however it ends. A process
   * that cannot get it opens the file without changing it and leaves.
   */
  private static FileChannel lock(Path dir) throws IOException {
    Path file = dir.resolve(LOCK_FILE);
    FileChannel channel = FileChannel.open(file, CREATE, READ, WRITE);
    try {
      if (tryLock(channel) == null) {
        throw new ConfigException("DATA_DIR " + dir + " is in use by another running node (pid " + owner(channel)
            + ", holding " + file + "); stop it first, or give this node its own DATA_DIR");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(US_ASCII)), 0);
      channel.force(true);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by this very JVM
    }
  }

  private static String owner(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    String pid = new String(buffer.array(), 0, buffer.position(), US_ASCII).strip();
    return pid.matches("\\d+") ? pid : "unknown";
  }

  /**
   * A node killed without its shutdown (kill -9, a crash) leaves its PostgreSQL running on the data
   * directory, which would refuse a second server; other nodes of a cluster may still be connected to it.
   * This process holds the directory's lock, so that server's owner is gone: stop it with a fast shutdown
   * (SIGINT: clients are disconnected, open transactions rolled back, a checkpoint written), and if it does
   * not finish in time, with an immediate one (SIGQUIT: recovered from the write-ahead log at the start).
   */
  private static void stopLeftOver(Path pgData) throws IOException {
    Optional<ProcessHandle> found = leftOverServer(pgData);
    if (found.isEmpty()) {
      return;
    }
    ProcessHandle server = found.get();
    LOG.warn("A previous run left its PostgreSQL (pid {}) on {}: stopping it with a fast shutdown, which "
        + "disconnects its clients", server.pid(), pgData);
    signal(server, "INT");
    if (exited(server, FAST_SHUTDOWN_WAIT)) {
      return;
    }
    LOG.warn("The left-over PostgreSQL (pid {}) did not finish a fast shutdown within {} s: stopping it with an "
        + "immediate shutdown; it recovers from its write-ahead log at this start", server.pid(),
        FAST_SHUTDOWN_WAIT.toSeconds());
    signal(server, "QUIT");
    if (!exited(server, IMMEDIATE_SHUTDOWN_WAIT)) {
      throw new IOException("the PostgreSQL a previous run left on " + pgData + " (pid " + server.pid()
          + ") did not stop after a fast and an immediate shutdown");
    }
  }

  private static Optional<ProcessHandle> leftOverServer(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    return lines.size() < 2 ? Optional.empty() : parsePid(lines.get(0))
        .flatMap(ProcessHandle::of)
        .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
        .filter(p -> Path.of(lines.get(1).trim()).toAbsolutePath().normalize().equals(pgData));
  }

  /** Java sends only SIGTERM and SIGKILL; PostgreSQL's fast and immediate shutdowns need the others. */
  private static void signal(ProcessHandle server, String signal) throws IOException {
    Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(server.pid()))
        .redirectErrorStream(true)
        .start();
    try {
      String output = new String(kill.getInputStream().readAllBytes(), US_ASCII).strip();
      if (kill.waitFor() != 0 && server.isAlive()) {
        throw new IOException("could not send SIG" + signal + " to PostgreSQL (pid " + server.pid() + "): " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping a left-over PostgreSQL", e);
    }
  }

  private static boolean exited(ProcessHandle server, Duration wait) throws IOException {
    try {
      server.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
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

  /**
   * The superuser's password from {@code DATA_DIR/postgres.password}, generated there if absent. The file
   * is created with mode 600 under a temporary name and moved into place, so it is never readable by
   * others and never seen half-written.
   *
   * @param required the server already asks for a password, so a new one would lock the node out
   */
  private static String password(Path dir, boolean required) throws IOException {
    Path file = dir.resolve(PASSWORD_FILE);
    if (Files.exists(file)) {
      String password = Files.readString(file, US_ASCII).strip();
      if (password.isEmpty()) {
        throw new ConfigException(file + " is empty; restore the embedded PostgreSQL's password in it");
      }
      return password;
    }
    if (required) {
      throw new ConfigException(file + " is missing, and the embedded PostgreSQL in " + dir.resolve("postgres")
          + " requires its password; restore the file");
    }
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    // URL-safe, so that it can be pasted into a DATABASE_URL as it is
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Path temporary = Files.createTempFile(dir, PASSWORD_FILE, ".tmp",
        PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE)));
    try {
      try (FileChannel channel = FileChannel.open(temporary, WRITE)) {
        channel.write(ByteBuffer.wrap((password + "\n").getBytes(US_ASCII)));
        channel.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
    try (FileChannel directory = FileChannel.open(dir, READ)) {
      directory.force(true);
    }
    return password;
  }

  private static EmbeddedPostgres startServer(Path pgData, int port, Path passwordFile, String password)
      throws IOException {
    // io.zonky tunes PostgreSQL for throw-away test databases (no fsync, asynchronous commit); this one
    // keeps sessions and revocations, so a commit the service answered must survive a crash
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("password_encryption", PASSWORD_AUTH)
        // io.zonky passes these to initdb (first start only) as --name=value, after its own "-A trust":
        // the superuser gets the password and every connection, local or TCP, must give it
        .setLocaleConfig("auth", PASSWORD_AUTH)
        .setLocaleConfig("pwfile", passwordFile.toString())
        // io.zonky's own readiness check connects with it
        .setConnectConfig("password", password);
    if (port != 0) {
      builder.setPort(port);
    }
    try {
      return builder.start();
    } catch (IllegalStateException e) {
      if (NO_BINARIES.equals(e.getMessage())) {
        throw new ConfigException(noBinaries(System.getProperty("os.name"), System.getProperty("os.arch")));
      }
      throw e;
    }
  }

  /** The start-up error when io.zonky finds no binaries for this machine: it names the platform detected. */
  static String noBinaries(String osName, String osArch) {
    return "DATABASE_URL must be set: this build carries no embedded PostgreSQL for " + osName + " on " + osArch
        + " (a default build carries Linux and macOS on x86-64 and ARM; one built with -Dcontainer carries none)";
  }

  private static boolean trusts(Path pgData) throws IOException {
    return Files.readAllLines(pgData.resolve("pg_hba.conf")).stream().anyMatch(EmbeddedDatabase::trusting);
  }

  private static boolean trusting(String hbaLine) {
    return !hbaLine.strip().startsWith("#") && TRUST.matcher(hbaLine).find();
  }

  /**
   * A data directory initialised before the embedded server had a password trusts every local connection.
   * Over a connection that trust still lets in: give the superuser the password (sent as a SCRAM verifier,
   * never in clear), switch every {@code trust} line of pg_hba.conf to scram-sha-256, reload, and wait
   * until a connection without the password is refused. Each step is repeated safely if a crash cuts this
   * short, since the file keeps its {@code trust} lines until the password is set.
   */
  private static void requirePassword(EmbeddedPostgres postgres, Path pgData, String password, Path passwordFile)
      throws IOException {
    Path hba = pgData.resolve("pg_hba.conf");
    List<String> lines = Files.readAllLines(hba);
    if (lines.stream().noneMatch(EmbeddedDatabase::trusting)) {
      return;
    }
    String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    try (Connection connection = DriverManager.getConnection(url, SUPERUSER, password)) {
      connection.unwrap(PGConnection.class).alterUserPassword(SUPERUSER, password.toCharArray(), PASSWORD_AUTH);
      Path temporary = Files.createTempFile(pgData, "pg_hba.conf", ".tmp",
          PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE)));
      try {
        Files.write(temporary, lines.stream()
            .map(line -> trusting(line) ? TRUST.matcher(line).replaceFirst(PASSWORD_AUTH) : line)
            .toList());
        Files.move(temporary, hba, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temporary);
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_reload_conf()");
      }
    } catch (SQLException e) {
      throw new IOException("could not give the embedded PostgreSQL a password: " + e.getMessage(), e);
    }
    awaitPasswordRequired(url);
    LOG.warn("The embedded PostgreSQL in {} let every local user in without a password (its data directory "
        + "predates passwords); it now requires the generated password kept in {} ({})", pgData, passwordFile,
        PASSWORD_AUTH);
  }

  /** A reload is asynchronous; the node must not start while the server still lets anyone in. */
  private static void awaitPasswordRequired(String url) throws IOException {
    long deadline = System.nanoTime() + RELOAD_WAIT.toNanos();
    while (true) {
      try (Connection unauthenticated = DriverManager.getConnection(url, SUPERUSER, "")) {
        if (System.nanoTime() > deadline) {
          throw new IOException("the embedded PostgreSQL still lets connections in without a password after a "
              + "reload of its pg_hba.conf");
        }
      } catch (SQLException refused) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for PostgreSQL to reload its pg_hba.conf", e);
      }
    }
  }

  public DatabaseTarget target() {
    return new DatabaseTarget("127.0.0.1", postgres.getPort(), "postgres", SUPERUSER, password);
  }

  /** Stops PostgreSQL, then gives the data directory up. */
  @Override
  public void close() throws IOException {
    try {
      postgres.close();
      LOG.info("Embedded PostgreSQL stopped");
    } finally {
      lock.close();
    }
  }
}
