package io.latchkey.bench;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The two SPEC §9 goals measured against PostgreSQL itself (pgbench on the same database, same run):
 * <ol>
 *   <li>create: {@code POST /api/v1/internal/sessions} for existing accounts (wrk) vs pgbench running the
 *       service's statement for it (the identity's account and the session INSERT in one) at the same concurrency
 *       (goal: ratio >= 0.5);</li>
 *   <li>cold lookup: validate of sessions not in the cache, one at a time (wrk, 1 connection) vs pgbench's
 *       indexed SELECT by hash, one client (goal: latency <= 2x).</li>
 * </ol>
 * Usage: {@code DatabaseBound <markdown-out> [seconds]}.
 */
public final class DatabaseBound {

  static final int ACCOUNTS = 1000;
  static final int COLD_SESSIONS = 400_000;
  private static final int CONCURRENCY = 16;
  private static final int WARM_UP_SECONDS = 40;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path work = Files.createTempDirectory("latchkey-bench-db");
    DatabaseTarget database = TestPostgres.freshDatabase();

    // the unknown-token row answers 401s to one address, which the failed-authentication limit would refuse
    try (BenchNode node = BenchNode.start(work, database.url(), Map.of("RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", "0"))) {
      // seeded after the warm-up, so none of the cold sessions is cached
      seed(database);
      String base = "http://127.0.0.1:" + node.port;

      // first, while the database is as seeded (the creates below grow the sessions table and wake autovacuum)
      Path cold = WrkScripts.cold(work);
      Path select = Tools.write(work, "select.sql", """
          \\set n random(1, %d)
          SELECT session_id, account_id, client_public_key, status, device, created_at, last_seen_at, revoked_at FROM latchkey.sessions WHERE token_hash = sha256(('lk_' || lpad(:n::text, 43, '0'))::bytea);
          """.formatted(COLD_SESSIONS));
      Path ping = WrkScripts.ping(work);
      Path unknown = WrkScripts.unknown(work);
      // the JIT first: one connection alone leaves C2 compiling the miss path through the measured runs (a
      // profile saw the compiler threads take as much CPU as the event loops), so four connections drive the
      // routes measured below, cold lookups on the upper half of the cold sessions (the measured run takes
      // the lower half)
      Tools.wrk(1, 4, WARM_UP_SECONDS / 4, ping, base);
      Tools.wrkChecked(1, 4, WARM_UP_SECONDS / 4, unknown, base);
      Tools.wrk(1, 4, WARM_UP_SECONDS / 2, cold, base, Integer.toString(COLD_SESSIONS / 2));
      // one request at a time, the time per request is the run's length over its requests (as pgbench computes
      // its latency average without -P/-R); wrk's own latency figures add coordinated-omission corrections
      String pingRun = Tools.wrk(1, 1, seconds, ping, base);
      System.out.println("ping, one at a time:\n" + pingRun);
      double pingMs = 1000 / Tools.wrkRate(pingRun);
      String unknownRun = Tools.wrkChecked(1, 1, seconds, unknown, base);
      System.out.println("a token known to be unknown, one at a time:\n" + unknownRun);
      double unknownMs = 1000 / Tools.wrkRate(unknownRun);
      String coldRun = Tools.wrk(1, 1, seconds, cold, base);
      System.out.println("cold lookups, one at a time:\n" + coldRun);
      double coldMs = 1000 / Tools.wrkRate(coldRun);
      double selectMs = Tools.pgbenchLatencyMs(Tools.pgbench(database, select, 1, seconds));
      long coldRequests = (long) (Tools.wrkRate(coldRun) * seconds);
      if (coldRequests >= COLD_SESSIONS / 2 || coldRun.contains("status ")) {
        throw new IllegalStateException("the cold run ran out of cold sessions or got errors:\n" + coldRun);
      }

      Path create = WrkScripts.create(work, ACCOUNTS);
      Path insert = Tools.write(work, "insert.sql", """
          \\set n random(1, %d)
          INSERT INTO latchkey.sessions (session_id, account_id, token_hash, client_public_key, device) SELECT gen_random_uuid(), account_id, sha256(gen_random_uuid()::text::bytea), NULL, NULL FROM latchkey.identities WHERE kind = 'email' AND subject = 'bench-' || :n || '@example.com' RETURNING session_id, account_id, client_public_key, status, device, created_at, last_seen_at, revoked_at;
          """.formatted(ACCOUNTS));
      // the JIT keeps compiling the create path for about half a minute under this load on 2 cores
      Tools.wrk(2, CONCURRENCY, WARM_UP_SECONDS, create, base);
      double service = 0;
      double pg = 0;
      for (int i = 0; i < 2; i++) {
        service += Tools.wrkRate(Tools.wrk(2, CONCURRENCY, seconds, create, base)) / 2;
        pg += Tools.pgbenchTps(Tools.pgbench(database, insert, CONCURRENCY, seconds)) / 2;
      }

      String table = String.join("\n",
          "| measure | latchkey | PostgreSQL alone (pgbench) | ratio | goal | met |",
          "|---|---|---|---|---|---|",
          String.format("| create: POST /api/v1/internal/sessions for an existing account, %d concurrent "
              + "| %.0f sessions/s | %.0f tps (the same INSERT … SELECT from identities) | **%.2f** | >= 0.5 | %s |",
              CONCURRENCY, service, pg, service / pg, service / pg >= 0.5 ? "yes" : "NO"),
          String.format("| cold lookup: GET /api/v1/user/me, session not cached, one at a time (time per request) | %.3f ms | %.3f ms "
              + "(SELECT by token_hash) | **%.2fx** | <= 2x | %s |", coldMs, selectMs, coldMs / selectMs,
              coldMs / selectMs <= 2 ? "yes" : "NO"),
          String.format("| for scale: GET /api/v1/public/ping, one at a time (the HTTP round trip alone) | %.3f ms | | "
              + "%.2fx the SELECT | | |", pingMs, pingMs / selectMs),
          String.format("| for scale: GET /api/v1/user/me with a token the node knows to be unknown (negative cache), one"
              + " at a time: answered 401 by the HTTP verticle from the negative entry (no event-bus hop, no query)"
              + " | %.3f ms | | %.2fx the SELECT | | |",
              unknownMs, unknownMs / selectMs),
          "",
          String.format("wrk -t2 -c%d -d%ds and pgbench -M prepared -c %d -j 2 -T %d, alternated twice after %d s of creates"
              + " that warm the node's JIT up; cold: wrk -t1 -c1 (every request a different uncached token) vs"
              + " pgbench -c 1, after %d s of wrk -t1 -c4 on ping, a known-unknown token and other uncached tokens to"
              + " warm the JIT up. The node: `java -Xmx512m -jar`, 2 HTTP"
              + " verticles, pool of 8 connections (DB_POOL_SIZE), ACCESS_LOG=false; PostgreSQL embedded, same machine."
              + " pgbench's latency is PostgreSQL's alone over a warm connection; the ping row shows what one HTTP round"
              + " trip from wrk costs on this machine before any lookup; the unknown-token row adds what a miss costs"
              + " the service before its query (authentication, the event-bus request to the session verticle and its"
              + " reply, on other threads).",
              CONCURRENCY, seconds, CONCURRENCY, seconds, WARM_UP_SECONDS, WARM_UP_SECONDS));
      System.out.println(table);
      Files.writeString(out, table + "\n");
    }
  }

  /**
   * {@value #ACCOUNTS} accounts with the identities {@code bench-<n>@example.com}, and {@value #COLD_SESSIONS}
   * active sessions of one of them whose tokens are {@code lk_} + n padded to 43 digits (valid base64url), n = 1..
   */
  static void seed(DatabaseTarget database) throws SQLException {
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      s.execute("SET search_path = latchkey");
      s.execute("INSERT INTO accounts (account_id) SELECT gen_random_uuid() FROM generate_series(1, " + ACCOUNTS + ")");
      s.execute("INSERT INTO identities (identity_id, account_id, kind, subject) SELECT gen_random_uuid(), account_id, "
          + "'email', 'bench-' || row_number() OVER () || '@example.com' FROM accounts");
      s.execute("INSERT INTO sessions (session_id, account_id, token_hash) SELECT gen_random_uuid(), "
          + "(SELECT min(account_id::text)::uuid FROM accounts), sha256(('lk_' || lpad(g::text, 43, '0'))::bytea) "
          + "FROM generate_series(1, " + COLD_SESSIONS + ") g");
      s.execute("ANALYZE");
    }
  }
}
