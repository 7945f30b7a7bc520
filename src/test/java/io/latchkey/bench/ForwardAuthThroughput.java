package io.latchkey.bench;

import io.latchkey.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * SPEC §9 forward-auth ratio on one node: {@code GET /api/v1/user/auth} as Traefik calls it (bearer token,
 * original request in X-Forwarded-*) against validate, {@code GET /api/v1/user/me}, with 10,000 distinct tokens
 * round-robin (all cache hits), same wrk settings, runs interleaved (goal: ratio >= 0.9).
 *
 * <p>Usage: {@code ForwardAuthThroughput <markdown-out> [seconds] [pairs]}.
 */
public final class ForwardAuthThroughput {

  private static final int TOKENS = 10_000;
  private static final int CONNECTIONS = 64;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path work = Files.createTempDirectory("latchkey-bench-forward");

    try (BenchNode node = BenchNode.start(work, TestPostgres.freshDatabase().url(), Map.of())) {
      Path tokenFile = work.resolve("tokens.txt");
      Files.write(tokenFile, node.createSessions(TOKENS));
      Path me = WrkScripts.me(work);
      Path forward = WrkScripts.forward(work);
      String base = "http://127.0.0.1:" + node.port;

      Tools.wrk(2, CONNECTIONS, seconds, me, base, tokenFile.toString());
      Tools.wrk(2, CONNECTIONS, seconds, forward, base, tokenFile.toString());
      double[] meRates = new double[pairs];
      double[] forwardRates = new double[pairs];
      for (int p = 0; p < pairs; p++) {
        meRates[p] = Tools.wrkRate(Tools.wrk(2, CONNECTIONS, seconds, me, base, tokenFile.toString()));
        forwardRates[p] = Tools.wrkRate(Tools.wrk(2, CONNECTIONS, seconds, forward, base, tokenFile.toString()));
        System.out.printf("pair %d: validate %.0f req/s, forward auth %.0f req/s (%.2f)%n", p + 1, meRates[p],
            forwardRates[p], forwardRates[p] / meRates[p]);
      }
      double meMean = Arrays.stream(meRates).average().orElseThrow();
      double forwardMean = Arrays.stream(forwardRates).average().orElseThrow();
      double ratio = forwardMean / meMean;
      String table = String.join("\n",
          "| measure | result | goal | met |",
          "|---|---|---|---|",
          String.format("| validate: GET /api/v1/user/me, %,d tokens round-robin, all cache hits | %.0f req/s | | |",
              TOKENS, meMean),
          String.format("| forward auth: GET /api/v1/user/auth, the same tokens, X-Forwarded-Method/Uri/Host/Proto "
              + "| %.0f req/s | | |", forwardMean),
          String.format("| forward auth / validate | **%.2f** | >= 0.9 | %s |", ratio, ratio >= 0.9 ? "yes" : "NO"),
          "",
          String.format("wrk -t2 -c%d -d%ds per run, validate and forward auth interleaved (%d pairs after a warm-up of"
              + " each). The node: `java -Xmx512m -jar`, 2 HTTP verticles, ACCESS_LOG=false.", CONNECTIONS, seconds, pairs));
      System.out.println(table);
      Files.writeString(out, table + "\n");
    }
  }
}
