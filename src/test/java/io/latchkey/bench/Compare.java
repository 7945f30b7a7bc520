package io.latchkey.bench;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Two builds of the service side by side on one database, the same wrk load sent to each in turn, round
 * after round: the before/after numbers of a change, measured in one run so the machine's drift hits both.
 * Reports each build's median req/s and the median of its node's CPU time per request (from /proc), which
 * moves less than req/s when the load generator and the node fight for the same cores.
 *
 * <p>Usage: {@code Compare <before.jar> <after.jar> <ping|validate|create|cold> [rounds] [seconds]};
 * {@code bench/compare before.jar [after.jar] [scenario] [rounds]}.
 */
public final class Compare {

  private static final int TOKENS = 1000;

  public static void main(String[] args) throws Exception {
    Path[] jars = {Path.of(args[0]), Path.of(args[1])};
    String scenario = args[2];
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    Path work = Files.createTempDirectory("latchkey-compare");
    DatabaseTarget database = TestPostgres.freshDatabase();
    BenchNode[] nodes = new BenchNode[2];
    try {
      nodes[0] = BenchNode.start(jars[0], Files.createDirectories(work.resolve("a")), database.url(), Map.of(),
          List.of("-Xmx512m"));
      Path tokens = work.resolve("tokens.txt");
      if (scenario.equals("validate")) {
        Files.write(tokens, nodes[0].createSessions(TOKENS));
      }
      // started after the sessions exist, so its warm-up caches them as the first node's creation did
      nodes[1] = BenchNode.start(jars[1], Files.createDirectories(work.resolve("b")), database.url(), Map.of(),
          List.of("-Xmx512m"));
      if (scenario.equals("create") || scenario.equals("cold")) {
        // after both warm-ups (the schema exists, and no cold session is cached)
        DatabaseBound.seed(database);
      }

      Path script = switch (scenario) {
        case "ping" -> WrkScripts.ping(work);
        case "validate" -> WrkScripts.me(work);
        case "create" -> WrkScripts.create(work, DatabaseBound.ACCOUNTS);
        case "cold" -> WrkScripts.cold(work);
        default -> throw new IllegalArgumentException("unknown scenario " + scenario + " (ping, validate, create, cold)");
      };
      boolean cold = scenario.equals("cold");
      int connections = cold ? 1 : scenario.equals("create") ? 16 : 64;
      int threads = cold ? 1 : 2;
      // cold tokens are used once each: the two nodes take turns through disjoint stretches of them
      int[] nextCold = {0, DatabaseBound.COLD_SESSIONS / 2};

      double[][] rates = new double[2][rounds];
      double[][] cpu = new double[2][rounds];
      for (int round = -2; round < rounds; round++) {
        // two rounds warm both JITs up and are not counted; the order alternates, so neither always goes first
        for (int k = 0; k < 2; k++) {
          int i = (round & 1) == 0 ? k : 1 - k;
          String base = "http://127.0.0.1:" + nodes[i].port;
          String[] scriptArgs = scenario.equals("validate") ? new String[] {tokens.toString()}
              : cold ? new String[] {Integer.toString(nextCold[i])} : new String[0];
          long before = Profile.cpuNanos(nodes[i].process.pid());
          String run = Tools.wrk(threads, connections, seconds, script, base, scriptArgs);
          long used = Profile.cpuNanos(nodes[i].process.pid()) - before;
          double rate = Tools.wrkRate(run);
          if (cold) {
            nextCold[i] += (int) (rate * seconds) + 1000;
          }
          if (round >= 0) {
            rates[i][round] = rate;
            cpu[i][round] = used / 1000.0 / (rate * seconds);
            System.out.printf("round %d %s: %.0f req/s, %.1f us CPU per request%n", round + 1, i == 0 ? "before" : "after",
                rate, cpu[i][round]);
          }
        }
      }
      String[] names = {"before", "after"};
      StringBuilder out = new StringBuilder(String.format("%s, %d rounds x %d s, wrk -t%d -c%d%n", scenario, rounds,
          seconds, threads, connections));
      for (int i = 0; i < 2; i++) {
        out.append(String.format("%-6s %s: median %.0f req/s, median %.1f us CPU per request%n", names[i], jars[i],
            Stats.median(rates[i]), Stats.median(cpu[i])));
      }
      out.append(String.format("after / before: req/s %.2f, CPU per request %.2f%n",
          Stats.median(rates[1]) / Stats.median(rates[0]), Stats.median(cpu[1]) / Stats.median(cpu[0])));
      System.out.print(out);
    } finally {
      for (BenchNode node : nodes) {
        if (node != null) {
          node.close();
        }
      }
    }
  }
}
