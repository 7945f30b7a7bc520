package io.latchkey.bench;

import io.latchkey.testing.Api;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.LocalCluster;
import io.latchkey.testing.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

/** A node under benchmark: {@code java -jar} on loopback, with the internal key the benchmarks use. */
final class BenchNode implements AutoCloseable {

  final NodeProcess process;
  final int port;
  final Api api;

  private BenchNode(NodeProcess process, int port) {
    this.process = process;
    this.port = port;
    this.api = new Api(port);
  }

  /** Starts a node on {@code databaseUrl} with the access log and the public rate limit off, plus {@code env}; returns once ready. */
  static BenchNode start(Path work, String databaseUrl, Map<String, String> env) throws Exception {
    return start(work, databaseUrl, env, List.of("-Xmx512m"));
  }

  /** The same with the given JVM options. */
  static BenchNode start(Path work, String databaseUrl, Map<String, String> env, List<String> jvmOptions)
      throws Exception {
    return start(Path.of(System.getProperty("latchkey.jar")), work, databaseUrl, env, jvmOptions);
  }

  /** The same with another build of the service. */
  static BenchNode start(Path jar, Path work, String databaseUrl, Map<String, String> env, List<String> jvmOptions)
      throws Exception {
    Map<String, String> all = new HashMap<>(Map.of(
        "DATABASE_URL", databaseUrl,
        "HTTP_HOST", "127.0.0.1",
        "HTTP_PORT", "0",
        "INTERNAL_API_KEYS", LocalCluster.INTERNAL_KEY,
        "ACCESS_LOG", "false",
        // the load generator is one address driving the public ping (the ceiling route) far past any sane limit
        "RATE_LIMIT_PUBLIC_PER_SECOND", "0"));
    all.putAll(env);
    NodeProcess process = NodeProcess.start(jar, work, all, jvmOptions);
    try {
      int port = process.awaitListening(Duration.ofSeconds(90));
      HttpProbe.awaitReady(port, Duration.ofSeconds(60));
      return new BenchNode(process, port);
    } catch (Exception | Error e) {
      process.close();
      throw e;
    }
  }

  /** Creates {@code count} sessions for new accounts; {@code extra} may add fields to the i-th request. */
  List<String> createSessions(int count, IntFunction<JsonObject> extra) throws Exception {
    return create(count, extra).stream().map(created -> created.getString("token")).toList();
  }

  /** The same, answering each create's whole reply ({@code token}, {@code session_id}, ...). */
  List<JsonObject> create(int count, IntFunction<JsonObject> extra) throws Exception {
    List<JsonObject> created = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      JsonObject body = extra.apply(i).put("identity",
          new JsonObject().put("kind", "email").put("subject", "bench-" + UUID.randomUUID() + "@example.com"));
      created.add(Api.json(api.post("/api/v1/internal/sessions", LocalCluster.INTERNAL_KEY, body.encode())));
    }
    return created;
  }

  List<String> createSessions(int count) throws Exception {
    return createSessions(count, i -> new JsonObject());
  }

  @Override
  public void close() {
    process.close();
  }
}
