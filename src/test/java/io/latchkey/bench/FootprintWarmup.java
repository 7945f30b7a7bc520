package io.latchkey.bench;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Migrations;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.NodeProcess;
import io.latchkey.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * SPEC §9 footprint and warm-up with 1,000,000 active sessions: the time from starting the node to
 * {@code /readyz} 200 (goal <= 10 s), and the heap per cached session after a full GC, as the difference
 * between a node warmed with the million and the same node on an empty database (goal <= 300 bytes).
 * Usage: {@code FootprintWarmup <markdown-out> [sessions]}.
 */
public final class FootprintWarmup {

  private static final List<String> JVM = List.of("-Xms2g", "-Xmx2g");

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    Path work = Files.createTempDirectory("latchkey-bench-footprint");

    DatabaseTarget full = TestPostgres.freshDatabase();
    DatabaseTarget empty = TestPostgres.freshDatabase();
    Migrations.migrate(full, "latchkey");
    Migrations.migrate(empty, "latchkey");
    long seeding = System.nanoTime();
    try (Connection c = TestPostgres.connect(full); Statement s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      s.execute("INSERT INTO accounts (account_id) SELECT gen_random_uuid() FROM generate_series(1, 1000)");
      s.execute("INSERT INTO sessions (session_id, account_id, token_hash, last_seen_at) "
          + "SELECT gen_random_uuid(), a.ids[1 + g % 1000], sha256(('lk_' || lpad(g::text, 43, '0'))::bytea), "
          + "now() - g * interval '1 millisecond' "
          + "FROM generate_series(1, " + sessions + ") g, (SELECT array_agg(account_id) AS ids FROM accounts) a");
      s.execute("ANALYZE");
    }
    System.out.printf("seeded %,d sessions in %.1f s%n", sessions, (System.nanoTime() - seeding) / 1e9);

    Measurement loaded = measure(work, full);
    Measurement baseline = measure(work, empty);
    double perSession = (loaded.heapBytes - baseline.heapBytes) / (double) sessions;

    String table = String.join("\n",
        "| measure | result | goal | met |",
        "|---|---|---|---|",
        String.format("| warm-up: `java -jar` started to `/readyz` 200, %,d active sessions | **%.1f s** (of which the"
            + " warm-up itself: %s) | <= 10 s | %s |", sessions, loaded.readySeconds, loaded.warmupLine,
            loaded.readySeconds <= 10 ? "yes" : "NO"),
        String.format("| heap after a full GC: warmed node vs the same node on an empty database | %,d vs %,d bytes"
            + " | | |", loaded.heapBytes, baseline.heapBytes),
        String.format("| heap per cached session | **%.0f bytes** | <= 300 bytes | %s |", perSession,
            perSession <= 300 ? "yes" : "NO"),
        "",
        String.format("Both nodes `java %s -jar` (G1), default cache settings (SESSION_CACHE_MAX_ENTRIES=1000000);"
            + " heap used read with `jcmd GC.heap_info` after `jcmd GC.run`. The empty node's time to ready: %.1f s.",
            String.join(" ", JVM), baseline.readySeconds));
    System.out.println(table);
    Files.writeString(out, table + "\n");
  }

  private record Measurement(double readySeconds, String warmupLine, long heapBytes) {}

  private static Measurement measure(Path work, DatabaseTarget database) throws Exception {
    long started = System.nanoTime();
    try (NodeProcess node = NodeProcess.start(work, Map.of(
        "DATABASE_URL", database.url(),
        "HTTP_HOST", "127.0.0.1",
        "HTTP_PORT", "0",
        "ACCESS_LOG", "false"), JVM)) {
      int port = node.awaitListening(Duration.ofSeconds(120));
      HttpProbe.awaitReady(port, Duration.ofSeconds(120));
      double ready = (System.nanoTime() - started) / 1e9;
      String log = node.output();
      String warmup = log.lines().filter(l -> l.contains("Session cache warm")).findFirst()
          .map(l -> l.replaceAll(".*loaded in ", "")).orElse("?");
      return new Measurement(ready, warmup, Tools.heapAfterFullGc(node.pid()));
    }
  }
}
