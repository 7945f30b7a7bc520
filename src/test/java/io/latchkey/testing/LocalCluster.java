package io.latchkey.testing;

import io.latchkey.db.DatabaseTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * N clustered latchkey nodes, each its own JVM ({@code java -jar}), on loopback, sharing one
 * PostgreSQL: the way an operator runs a cluster on one machine.
 */
public final class LocalCluster implements AutoCloseable {

  public static final String INTERNAL_KEY = "cluster-internal-key-0123456789";
  public static final String ADMIN_KEY = "cluster-admin-key-0123456789";

  private final List<NodeProcess> nodes;
  private final List<Integer> httpPorts;

  private LocalCluster(List<NodeProcess> nodes, List<Integer> httpPorts) {
    this.nodes = nodes;
    this.httpPorts = httpPorts;
  }

  /** Starts the nodes together and returns once every one is ready and sees all the others. */
  public static LocalCluster start(int size, DatabaseTarget database, Path workDir, Map<String, String> extra)
      throws Exception {
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      clusterPorts.add(NodeProcess.freePort());
    }
    String members = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    List<NodeProcess> nodes = new ArrayList<>();
    List<Integer> httpPorts = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        Map<String, String> env = new HashMap<>(Map.of(
            "DATABASE_URL", database.url(),
            "HTTP_HOST", "127.0.0.1",
            "HTTP_PORT", "0",
            "HTTP_INSTANCES", "1",
            "CLUSTER_ENABLED", "true",
            "CLUSTER_HOST", "127.0.0.1",
            "CLUSTER_PORT", Integer.toString(clusterPorts.get(i)),
            "CLUSTER_MEMBERS", members,
            "INTERNAL_API_KEYS", INTERNAL_KEY,
            "ADMIN_API_KEYS", ADMIN_KEY));
        env.putAll(extra);
        nodes.add(NodeProcess.start(workDir, env));
      }
      for (NodeProcess node : nodes) {
        int port = node.awaitListening(Duration.ofSeconds(90));
        httpPorts.add(port);
        Eventually.await(Duration.ofSeconds(60), () -> HttpProbe.get(port, "/readyz"),
            r -> r.statusCode() == 200 && r.body().contains("\"members\":" + size), "a ready node seeing " + size + " members");
      }
      return new LocalCluster(nodes, httpPorts);
    } catch (Exception | Error e) {
      nodes.forEach(NodeProcess::close);
      throw e;
    }
  }

  public NodeProcess node(int i) {
    return nodes.get(i);
  }

  public Api api(int i) {
    return new Api(httpPorts.get(i));
  }

  public int httpPort(int i) {
    return httpPorts.get(i);
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::close);
  }
}
