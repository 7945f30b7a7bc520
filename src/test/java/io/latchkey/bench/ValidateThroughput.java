package io.latchkey.bench;

import io.latchkey.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * SPEC §9 validate ratio and latency, with wrk and h2load on one node:
 * <ol>
 *   <li>{@code GET /api/v1/user/me} with 10,000 distinct tokens round-robin (all cache hits) vs
 *       {@code GET /api/v1/public/ping}, same wrk settings, runs interleaved (goal: median ratio >= 0.85);</li>
 *   <li>forward auth ({@code GET /api/v1/user/auth}, same tokens) vs validate, in the same rounds (goal: >= 0.9);</li>
 *   <li>latency of validate at half the measured maximum rate, constant rate with h2load (goal: p99 < 5 ms).</li>
 * </ol>
 * Usage: {@code ValidateThroughput <markdown-out> [seconds] [pairs]}.
 */
public final class ValidateThroughput {

  private static final int TOKENS = 10_000;
  private static final int CONNECTIONS = 64;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path work = Files.createTempDirectory("latchkey-bench-validate");

    try (BenchNode node = BenchNode.start(work, TestPostgres.freshDatabase().url(), Map.of())) {
      int port = node.port;
      List<String> tokens = node.createSessions(TOKENS);
      Path tokenFile = work.resolve("tokens.txt");
      Files.write(tokenFile, tokens);
      Path me = WrkScripts.me(work);
      Path ping = WrkScripts.ping(work);
      Path auth = WrkScripts.forwardAuth(work);
      String base = "http://127.0.0.1:" + port;

      Tools.wrk(2, CONNECTIONS, seconds, ping, base);
      Tools.wrk(2, CONNECTIONS, seconds, me, base, tokenFile.toString());
      Tools.wrk(2, CONNECTIONS, seconds, auth, base, tokenFile.toString());
      double[] pingRates = new double[pairs];
      double[] meRates = new double[pairs];
      double[] authRates = new double[pairs];
      double[] meToPing = new double[pairs];
      double[] authToMe = new double[pairs];
      for (int p = 0; p < pairs; p++) {
        pingRates[p] = Tools.wrkRate(Tools.wrk(2, CONNECTIONS, seconds, ping, base));
        meRates[p] = Tools.wrkRate(Tools.wrk(2, CONNECTIONS, seconds, me, base, tokenFile.toString()));
        authRates[p] = Tools.wrkRate(Tools.wrk(2, CONNECTIONS, seconds, auth, base, tokenFile.toString()));
        meToPing[p] = meRates[p] / pingRates[p];
        authToMe[p] = authRates[p] / meRates[p];
        System.out.printf("round %d: ping %.0f req/s, validate %.0f req/s (%.2f), forward auth %.0f req/s (%.2f)%n",
            p + 1, pingRates[p], meRates[p], meToPing[p], authRates[p], authToMe[p]);
      }
      double pingMean = Arrays.stream(pingRates).average().orElseThrow();
      double meMean = Arrays.stream(meRates).average().orElseThrow();
      double authMean = Arrays.stream(authRates).average().orElseThrow();
      double ratio = Stats.median(meToPing);
      double authRatio = Stats.median(authToMe);

      // constant rate at half the maximum: h2load (C, one thread: it takes far less of the shared cores than hey did),
      // 32 connections each paced to rate/32 per second; its per-request log gives every latency
      int connections = 32;
      double target = meMean / 2;
      int perConnection = (int) Math.max(1, Math.round(target / connections));
      Path log = work.resolve("latency.tsv");
      Tools.run(List.of("h2load", "--h1", "-t", "1", "-c", Integer.toString(connections), "--rps",
          Integer.toString(perConnection), "-D", Integer.toString(seconds), "--log-file", log.toString(),
          "-H", "Authorization: Bearer " + tokens.get(0), base + "/api/v1/user/me"), Map.of());
      List<Double> latencies = new ArrayList<>();
      long non200 = 0;
      for (String line : Files.readAllLines(log)) {
        String[] f = line.split("\t");
        latencies.add(Long.parseLong(f[2]) / 1000.0);
        if (!f[1].equals("200")) {
          non200++;
        }
      }
      double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double achieved = sorted.length / (double) seconds;
      double p50 = Stats.percentile(sorted, 50);
      double p99 = Stats.percentile(sorted, 99);
      double p999 = Stats.percentile(sorted, 99.9);

      String table = String.join("\n",
          "| measure | result | goal | met |",
          "|---|---|---|---|",
          String.format("| ping: GET /api/v1/public/ping (mean of %d wrk runs, as below) | %.0f req/s | | |", pairs, pingMean),
          String.format("| validate: GET /api/v1/user/me, %,d tokens round-robin, all cache hits | %.0f req/s | | |",
              TOKENS, meMean),
          String.format("| forward auth: GET /api/v1/user/auth, the same tokens, X-Original-Method/-URI, empty answer "
              + "| %.0f req/s | | |", authMean),
          String.format("| validate / ping (median of the rounds' ratios: %s) | **%.2f** | >= 0.85 | %s |",
              Stats.list(meToPing), ratio, ratio >= 0.85 ? "yes" : "NO"),
          String.format("| forward auth / validate (median of the rounds' ratios: %s) | **%.2f** | >= 0.9 | %s |",
              Stats.list(authToMe), authRatio, authRatio >= 0.9 ? "yes" : "NO"),
          String.format("| validate latency at half the maximum (target %.0f req/s, achieved %.0f req/s): p50 / p99 / p99.9 "
              + "| %.2f / **%.2f** / %.2f ms | p99 < 5 ms | %s |", target, achieved, p50, p99, p999, p99 < 5 ? "yes" : "NO"),
          "",
          String.format("wrk -t2 -c%d -d%ds per run, ping, validate and forward auth in turn (%d rounds after a warm-up of each);"
              + " h2load --h1 -t1 -c%d --rps %d -D %d (constant rate, latency of every request from its log) on one token;"
              + " %d non-200 answers in the latency run."
              + " The node: `java -Xmx512m -jar`, 2 HTTP verticles, ACCESS_LOG=false.",
              CONNECTIONS, seconds, pairs, connections, perConnection, seconds, non200));
      System.out.println(table);
      Files.writeString(out, table + "\n");
    }
  }
}
