package io.latchkey.bench;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR profile of one route under wrk load, summarised: where the node's CPU samples fall (by the
 * package of the running frame, by the running method, and by each {@code io.latchkey} method on the
 * stack) and what allocates. The recording itself is kept for {@code jfr} or JMC.
 *
 * <p>Usage: {@code Profile <ping|validate|traced|create|cold> <out-dir> [seconds]}; {@code bench/run profile-NAME}.
 * The same node settings as the benchmarks: {@code java -Xmx512m -jar}, ACCESS_LOG=false; "traced" is validate
 * with every span exported over OTLP to a stand-in collector in this JVM. Starting the recording sends
 * the JIT compiling again (in one-at-a-time cold runs the compiler threads took more CPU than the event
 * loops while it recorded, a quarter to a half of it without a recording): read its CPU per request,
 * printed by thread, with that in mind. With {@code PROFILE_RECORD=false} in the environment it records
 * nothing and prints only the CPU per request by thread, as the benchmarks run (they never record).
 */
public final class Profile {

  private static final int TOKENS = 1000;

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    Path outDir = Files.createDirectories(Path.of(args[1]));
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Path work = Files.createTempDirectory("latchkey-profile");
    Path recording = outDir.resolve(scenario + ".jfr").toAbsolutePath();
    DatabaseTarget database = TestPostgres.freshDatabase();

    try (OtlpSink collector = OtlpSink.start();
        BenchNode node = BenchNode.start(work, database.url(),
            scenario.equals("traced") ? collector.environment() : Map.of(), List.of("-Xmx512m"))) {
      String base = "http://127.0.0.1:" + node.port;
      Path script;
      String[] scriptArgs = {};
      String[] warmUpArgs = null;
      int connections = 64;
      int threads = 2;
      switch (scenario) {
        case "ping" -> script = WrkScripts.ping(work);
        case "validate", "traced" -> {
          Path tokens = Files.write(work.resolve("tokens.txt"), node.createSessions(TOKENS));
          script = WrkScripts.me(work);
          scriptArgs = new String[] {tokens.toString()};
        }
        case "create" -> {
          DatabaseBound.seed(database);
          script = WrkScripts.create(work, DatabaseBound.ACCOUNTS);
          connections = 16;
        }
        case "cold" -> {
          DatabaseBound.seed(database);
          script = WrkScripts.cold(work);
          connections = 1;
          threads = 1;
          // cold tokens are used once each: the warm-up takes the upper half, the recorded run the lower
          warmUpArgs = new String[] {Integer.toString(DatabaseBound.COLD_SESSIONS / 2)};
        }
        default -> throw new IllegalArgumentException("unknown scenario " + scenario + " (ping, validate, traced, create, cold)");
      }
      if (warmUpArgs == null) {
        warmUpArgs = scriptArgs;
      }
      // warm the JIT first (one connection alone warms it too slowly: more of them), then record a run of its own
      Tools.wrk(threads, Math.max(4, connections), Math.max(5, seconds / 2), script, base, warmUpArgs);
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      String pid = Long.toString(node.process.pid());
      boolean record = !"false".equals(System.getenv("PROFILE_RECORD"));
      if (record) {
        Tools.run(List.of(jcmd, pid, "JFR.start", "name=profile", "settings=profile"), Map.of());
      }
      Map<String, Long> threadsBefore = threadCpuNanos(node.process.pid());
      long systemBefore = systemCpuNanos(node.process.pid());
      long cpuBefore = cpuNanos(node.process.pid());
      String run = Tools.wrk(threads, connections, seconds, script, base, scriptArgs);
      long cpu = cpuNanos(node.process.pid()) - cpuBefore;
      long system = systemCpuNanos(node.process.pid()) - systemBefore;
      Map<String, Long> threadCpu = new HashMap<>();
      threadCpuNanos(node.process.pid()).forEach((thread, nanos) ->
          threadCpu.merge(thread, nanos - threadsBefore.getOrDefault(thread, 0L), Long::sum));
      if (record) {
        Tools.run(List.of(jcmd, pid, "JFR.stop", "name=profile", "filename=" + recording), Map.of());
      }
      double rate = Tools.wrkRate(run);
      String summary = "wrk -t" + threads + " -c" + connections + " -d" + seconds + "s: "
          + String.format("%.0f req/s; the node's CPU time per request: %.1f us, of which in the kernel %.1f us", rate,
              cpu / 1000.0 / (rate * seconds), system / 1000.0 / (rate * seconds))
          + "\n" + threadTable(threadCpu, rate * seconds) + (record ? summarise(recording) : "(not recorded)\n");
      System.out.println(summary);
      Files.writeString(outDir.resolve(scenario + ".txt"), summary);
      if (record) {
        System.out.println("recording: " + recording);
      }
    }
  }

  /** User + system CPU time of a process so far, from /proc (clock ticks of 10 ms). */
  static long cpuNanos(long pid) throws java.io.IOException {
    String[] fields = stat(pid);
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
  }

  /** System (kernel) CPU time of a process so far, from /proc (clock ticks of 10 ms). */
  static long systemCpuNanos(long pid) throws java.io.IOException {
    return Long.parseLong(stat(pid)[12]) * 10_000_000L;
  }

  /** The fields of /proc/PID/stat after the command name (the state is field 0). */
  private static String[] stat(long pid) throws java.io.IOException {
    return fields(Files.readString(Path.of("/proc/" + pid + "/stat")));
  }

  private static String[] fields(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  /**
   * CPU time so far of each of a process's threads, by the kernel's thread name with numbers folded
   * ({@code C2 CompilerThre}, {@code GC Thread#}, {@code vert.x-eventloo}): native threads too, which
   * JFR's execution samples do not see.
   */
  static Map<String, Long> threadCpuNanos(long pid) throws java.io.IOException {
    Map<String, Long> byName = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
          String[] f = fields(stat);
          byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L, Long::sum);
        } catch (java.nio.file.NoSuchFileException ended) {
          // the thread ended between the listing and the read
        }
      }
    }
    return byName;
  }

  private static String threadTable(Map<String, Long> threadCpu, double requests) {
    StringBuilder out = new StringBuilder("the node's CPU time per request by thread (all threads, from /proc):\n");
    threadCpu.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
        .forEach(e -> out.append(String.format("  %8.1f us  %s%n", e.getValue() / 1000.0 / requests, e.getKey())));
    return out.toString();
  }

  static String summarise(Path recording) throws Exception {
    Map<String, Long> byThread = new HashMap<>();
    Map<String, Long> byPackage = new HashMap<>();
    Map<String, Long> byMethod = new HashMap<>();
    Map<String, Long> ownCode = new HashMap<>();
    Map<String, Long> allocations = new HashMap<>();
    long samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      String type = event.getEventType().getName();
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      if (type.equals("jdk.ExecutionSample")) {
        String thread = event.getThread("sampledThread").getJavaName();
        byThread.merge(thread == null ? "?" : thread.replaceAll("-\\d+$", "-N"), 1L, Long::sum);
        samples++;
        RecordedFrame top = stack.getFrames().get(0);
        byPackage.merge(bucket(top), 1L, Long::sum);
        byMethod.merge(method(top), 1L, Long::sum);
        stack.getFrames().stream().map(Profile::method).filter(m -> m.startsWith("io.latchkey.")).distinct()
            .forEach(m -> ownCode.merge(m, 1L, Long::sum));
      } else if (type.equals("jdk.ObjectAllocationSample")) {
        String site = stack.getFrames().stream().map(Profile::method)
            .filter(m -> !m.startsWith("java.") && !m.startsWith("jdk.") && !m.startsWith("sun."))
            .findFirst().orElse(method(stack.getFrames().get(0)));
        allocations.merge(site + " (" + event.getClass("objectClass").getName() + ")", event.getLong("weight"), Long::sum);
      }
    }
    long total = samples;
    StringBuilder out = new StringBuilder("CPU samples: " + total + "\n");
    table(out, "by thread", byThread, 8, v -> percent(v, total));
    table(out, "by package of the running frame (self time)", byPackage, 14, v -> percent(v, total));
    table(out, "by running method (self time)", byMethod, 25, v -> percent(v, total));
    table(out, "io.latchkey methods on the stack (inclusive)", ownCode, 25, v -> percent(v, total));
    long allocated = allocations.values().stream().mapToLong(Long::longValue).sum();
    table(out, "allocation (sampled bytes) by first non-JDK frame and class", allocations, 20,
        v -> percent(v, allocated));
    return out.toString();
  }

  private static String percent(long value, long total) {
    return String.format("%5.1f%%", 100.0 * value / Math.max(1, total));
  }

  private static void table(StringBuilder out, String title, Map<String, Long> counts, int limit,
      Function<Long, String> format) {
    out.append("\n").append(title).append(":\n");
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(limit)
        .forEach(e -> out.append("  ").append(format.apply(e.getValue())).append("  ").append(e.getKey()).append("\n"));
  }

  private static String method(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  /** A coarse owner of a frame: the library or the part of the JDK it belongs to. */
  private static String bucket(RecordedFrame frame) {
    String type = frame.getMethod().getType().getName();
    String[] parts = type.split("\\.");
    int depth = type.startsWith("io.vertx.") || type.startsWith("io.netty.") || type.startsWith("io.latchkey.") ? 3 : 2;
    return String.join(".", java.util.Arrays.copyOf(parts, Math.min(depth, parts.length - 1)));
  }
}
