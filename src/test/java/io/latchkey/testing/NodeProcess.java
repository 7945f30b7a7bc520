package io.latchkey.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A latchkey node running the packaged jar in its own JVM, configured by environment variables only,
 * exactly as an operator runs it. Its output goes to a log file the test can read.
 */
public final class NodeProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

  private final Process process;
  private final Path log;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** A port that was free a moment ago, for settings that must be known before a node starts. */
  public static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Starts {@code java -jar latchkey.jar} in {@code workDir} with only {@code env} (plus PATH) set. */
  public static NodeProcess start(Path workDir, Map<String, String> env) throws IOException {
    return start(workDir, env, List.of("-Xmx512m"));
  }

  /** The same with the given JVM options (heap size, ...). */
  public static NodeProcess start(Path workDir, Map<String, String> env, List<String> jvmOptions) throws IOException {
    String jar = System.getProperty("latchkey.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("the packaged jar is missing (run through 'mvn verify'): " + jar);
    }
    return start(Path.of(jar), workDir, env, jvmOptions);
  }

  /** The same with another build of the service (a benchmark comparing two builds). */
  public static NodeProcess start(Path jar, Path workDir, Map<String, String> env, List<String> jvmOptions)
      throws IOException {
    Path log = Files.createTempFile(workDir, "node-", ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    return new NodeProcess(builder.start(), log);
  }

  /** Waits for the "listening on" line and returns the port it names. */
  public int awaitListening(Duration timeout) throws Exception {
    String line = Eventually.await(timeout, this::output,
        out -> LISTENING.matcher(out).find() || !process.isAlive(), "the node to listen");
    Matcher m = LISTENING.matcher(line);
    if (!m.find()) {
      throw new AssertionError("the node exited with " + process.exitValue() + " before listening:\n" + line);
    }
    return Integer.parseInt(m.group(1));
  }

  /** Sends SIGTERM and waits for the process to end; returns its exit status. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the node did not exit within " + timeout.toMillis() + " ms");
    }
    return process.exitValue();
  }

  /** kill -9: no shutdown hook, no goodbye to the cluster. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  public String output() throws IOException {
    return Files.readString(log);
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
