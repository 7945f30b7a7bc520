package io.latchkey.bench;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.LocalCluster;
import io.latchkey.testing.NodeProcess;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Validate throughput with tracing on vs off, in one run (SPEC §9: >= 0.75 with every span exported, >= 0.85 at 10% head sampling). Nodes on one database,
 * identical but for OpenTelemetry's variables: "off" has {@code OTEL_TRACES_EXPORTER=none} (the default:
 * no tracer installed); "on" exports spans over OTLP/HTTP to a collector stand-in in this JVM that accepts
 * and discards, with the default sampler, a 10% ratio sampler, and a sampler that records nothing. The
 * load visits the nodes in turn, never two at once.
 *
 * <p>Usage: {@code TracingOverhead <markdown-out> [seconds-per-run] [runs-per-mode]}.
 */
public final class TracingOverhead {

  private static final int SESSIONS = 1000;
  private static final int CONCURRENCY = 32;
  /** Rounds over all four nodes before the measured runs. */
  private static final int WARMUP_ROUNDS = 4;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path work = Files.createTempDirectory("latchkey-bench-tracing");
    DatabaseTarget database = TestPostgres.freshDatabase();

    OtlpSink collector = OtlpSink.start();

    Map<String, String> base = Map.of(
        "DATABASE_URL", database.url(),
        "HTTP_HOST", "127.0.0.1",
        "HTTP_PORT", "0",
        "INTERNAL_API_KEYS", LocalCluster.INTERNAL_KEY,
        "ACCESS_LOG", "false");
    Map<String, String> otlp = collector.environment();
    List<String> labels = List.of(
        "tracing off (OTEL_TRACES_EXPORTER=none, the default)",
        "tracing on, default sampler (parent-based, always on): every span exported",
        "tracing on, OTEL_TRACES_SAMPLER=parentbased_traceidratio, ARG=0.1",
        "tracing on, OTEL_TRACES_SAMPLER=always_off (the tracer's plumbing alone)");
    List<Map<String, String>> envs = List.of(
        base,
        merge(base, otlp, Map.of()),
        merge(base, otlp, Map.of("OTEL_TRACES_SAMPLER", "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG", "0.1")),
        merge(base, otlp, Map.of("OTEL_TRACES_SAMPLER", "always_off")));
    List<NodeProcess> nodes = new ArrayList<>();
    List<LoadGenerator> loads = new ArrayList<>();
    try {
      for (Map<String, String> env : envs) {
        nodes.add(NodeProcess.start(work, env));
      }
      List<Integer> ports = new ArrayList<>();
      for (NodeProcess node : nodes) {
        int port = node.awaitListening(Duration.ofSeconds(90));
        HttpProbe.awaitReady(port, Duration.ofSeconds(60));
        ports.add(port);
        loads.add(new LoadGenerator(port, CONCURRENCY));
      }
      List<String> tokens = new ArrayList<>();
      Api api = new Api(ports.get(0));
      for (int i = 0; i < SESSIONS; i++) {
        tokens.add(Api.json(api.post("/api/v1/internal/sessions", LocalCluster.INTERNAL_KEY, new JsonObject()
            .put("identity", new JsonObject().put("kind", "email").put("subject", "t-" + UUID.randomUUID() + "@example.com"))
            .encode())).getString("token"));
      }
      // warm-up rounds: the exporter's code paths need their JIT time as much as the server's (with two, the first
      // measured run was still warming up: its ratios stood apart from the others')
      for (int round = 0; round < WARMUP_ROUNDS; round++) {
        for (LoadGenerator load : loads) {
          load.run(Duration.ofSeconds(seconds), CONCURRENCY, i -> me(tokens, i));
        }
      }
      double[] sums = new double[envs.size()];
      double[][] ratios = new double[envs.size()][runs];
      long errors = 0;
      for (int r = 0; r < runs; r++) {
        StringBuilder line = new StringBuilder("run " + (r + 1) + ":");
        double[] rates = new double[envs.size()];
        for (int n = 0; n < envs.size(); n++) {
          LoadGenerator.Result result = loads.get(n).run(Duration.ofSeconds(seconds), CONCURRENCY, i -> me(tokens, i));
          rates[n] = result.rate();
          sums[n] += result.rate();
          errors += result.errors();
          line.append(String.format(" [%d] %.0f req/s", n, result.rate()));
        }
        for (int n = 0; n < envs.size(); n++) {
          ratios[n][r] = rates[n] / rates[0];
        }
        System.out.println(line);
      }
      List<String> rows = new ArrayList<>(List.of(
          "| GET /api/v1/user/me (cache hit) | runs x seconds | mean req/s | ratio to off (median of the runs' ratios) | goal |",
          "|---|---|---|---|---|"));
      for (int n = 0; n < envs.size(); n++) {
        double mean = sums[n] / runs;
        double ratio = Stats.median(ratios[n]);
        // SPEC §9: every span exported >= 0.75 x off; head sampling at 10% >= 0.85 x off
        double target = n == 1 ? 0.75 : n == 2 ? 0.85 : 0;
        String goal = target == 0 ? ""
            : String.format(ratio >= target ? ">= %.2f: met" : ">= %.2f: **NOT met**", target);
        rows.add(String.format("| %s | %d x %d | %.0f | %s | %s |", labels.get(n), runs, seconds, mean,
            n == 0 ? "1.00" : String.format("**%.2f** (%s)", ratio, Stats.list(ratios[n])), goal));
      }
      rows.add("");
      rows.add(String.format("Four nodes on one database, each `java -Xmx512m -jar` with 2 HTTP verticles and ACCESS_LOG=false;"
          + " the load visits them in turn, never two at once (closed loop, %d in flight, %d sessions round-robin, "
          + WARMUP_ROUNDS + " warm-up rounds)."
          + " The OTLP collector stand-in (in the bench JVM) received %d export requests. Non-200 answers: %d.",
          CONCURRENCY, SESSIONS, collector.exports(), errors));
      rows.add("");
      rows.add("Profile: the always_off row runs the whole tracer (vertx-opentelemetry extracting the W3C context of"
          + " every request) but records nothing: its cost is within a few per cent. The rest is recording and"
          + " exporting the spans: on a cache hit one server span per request (the lookup is answered in the HTTP"
          + " verticle; event-bus and SQL spans appear on misses only), serialised to OTLP on the same two cores that"
          + " serve. It grows with the share of requests sampled, so head sampling in production (the ratio row) is"
          + " what moves it. Run-to-run spread on this shared machine is large: compare rows within a run (the"
          + " per-run lines of the command's output).");
      String table = String.join("\n", rows);
      System.out.println(table);
      Files.writeString(out, table + "\n");
    } finally {
      loads.forEach(LoadGenerator::close);
      nodes.forEach(NodeProcess::close);
      collector.close();
    }
  }

  @SafeVarargs
  private static Map<String, String> merge(Map<String, String>... maps) {
    Map<String, String> out = new HashMap<>();
    for (Map<String, String> m : maps) {
      out.putAll(m);
    }
    return out;
  }

  private static RequestOptions me(List<String> tokens, int i) {
    return new RequestOptions().setURI("/api/v1/user/me").putHeader("Authorization", "Bearer " + tokens.get(i % SESSIONS));
  }
}
