package io.latchkey.bench;

import io.latchkey.db.DatabaseTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the external load tools (wrk, h2load, pgbench) and reads their numbers. */
final class Tools {

  private Tools() {}

  /** Runs a command to completion and returns its standard output (and error). */
  static String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
    }
    return new String(output, StandardCharsets.UTF_8);
  }

  /** wrk's requests per second. */
  static double wrkRate(String output) {
    return number(output, "Requests/sec:\\s+([0-9.]+)");
  }

  /** A wrk run with a Lua script; returns its output. Any answer but a 2xx fails it. */
  static String wrk(int threads, int connections, int seconds, Path script, String url, String... scriptArgs)
      throws IOException, InterruptedException {
    // a 4xx is cheaper than the route's real work: such a run measures the wrong thing
    return failIfContains("Non-2xx or 3xx responses", "wrk got error answers",
        wrkAnswered(threads, connections, seconds, script, url, scriptArgs));
  }

  /**
   * A wrk run whose answers the script checks itself (it prints {@code status N} for one it did not expect,
   * which fails the run); returns its output.
   */
  static String wrkChecked(int threads, int connections, int seconds, Path script, String url, String... scriptArgs)
      throws IOException, InterruptedException {
    return failIfContains("status ", "wrk got unexpected answers",
        wrkAnswered(threads, connections, seconds, script, url, scriptArgs));
  }

  private static String failIfContains(String marker, String problem, String output) {
    if (output.contains(marker)) {
      throw new IllegalStateException(problem + ":\n" + output);
    }
    return output;
  }

  private static String wrkAnswered(int threads, int connections, int seconds, Path script, String url,
      String... scriptArgs) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
        "--latency", "-s", script.toString(), url));
    if (scriptArgs.length > 0) {
      command.add("--");
      command.addAll(List.of(scriptArgs));
    }
    return run(command, Map.of());
  }

  /** pgbench with a custom script against the test database. */
  static String pgbench(DatabaseTarget db, Path script, int clients, int seconds) throws IOException, InterruptedException {
    return run(List.of(pgbenchBinary(), "-n", "-M", "prepared", "-f", script.toString(), "-c", Integer.toString(clients),
        "-j", Integer.toString(Math.min(clients, 2)), "-T", Integer.toString(seconds),
        "-h", db.host(), "-p", Integer.toString(db.port()), "-U", db.user(), db.database()),
        Map.of("PGPASSWORD", db.password() == null ? "" : db.password()));
  }

  static double pgbenchTps(String output) {
    return number(output, "tps = ([0-9.]+)");
  }

  static double pgbenchLatencyMs(String output) {
    return number(output, "latency average = ([0-9.]+) ms");
  }

  private static String pgbenchBinary() {
    for (String candidate : new String[] {"/usr/lib/postgresql/15/bin/pgbench", "/usr/bin/pgbench"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "pgbench";
  }

  static double number(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no match for " + regex + " in:\n" + output);
    }
    return Double.parseDouble(m.group(1));
  }

  static Path write(Path dir, String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  /** Heap used by the JVM with this pid after two full GCs ({@code jcmd GC.run}, then {@code GC.heap_info}), in bytes. */
  static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    run(List.of(jcmd, Long.toString(pid), "GC.run"), Map.of());
    run(List.of(jcmd, Long.toString(pid), "GC.run"), Map.of());
    String heap = run(List.of(jcmd, Long.toString(pid), "GC.heap_info"), Map.of());
    return (long) number(heap, "used ([0-9]+)K") * 1024;
  }
}
