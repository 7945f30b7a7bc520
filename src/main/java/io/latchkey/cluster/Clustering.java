package io.latchkey.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.latchkey.config.AppConfig.ClusterConfig;
import io.latchkey.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a clustered Vert.x on Hazelcast (vertx-hazelcast): TCP-IP join over the listed members only,
 * bound to CLUSTER_HOST:CLUSTER_PORT, the event bus on the same host, over mutual TLS when CLUSTER_TLS_*
 * are set ({@link EventBusTls}). The base configuration is the file CLUSTER_CONFIG (from the working
 * directory, else the copy inside the jar); the per-node settings override it.
 */
public final class Clustering {

  private static final Logger LOG = LoggerFactory.getLogger(Clustering.class);

  private Clustering() {}

  /** A clustered Vert.x and the view of its cluster. */
  public record ClusteredNode(Vertx vertx, ClusterView view) {}

  /**
   * Joins the cluster; completes once this node is a member and its event bus is up. With event-bus TLS it
   * first checks the TLS files against each other, blocking: call it from a plain thread.
   *
   * @param builder a Vert.x builder already carrying the node's tracer and metrics
   * @param options the node's options; the clustered event bus settings are added to them
   * @param onMembershipChange called (on a Hazelcast thread) whenever a member joins or leaves
   */
  public static Future<ClusteredNode> start(ClusterConfig settings, VertxBuilder builder, VertxOptions options,
      Runnable onMembershipChange) {
    Config hazelcast = hazelcastConfig(settings);
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    EventBusOptions eventBus = new EventBusOptions()
        .setHost(settings.host())
        .setPort(settings.eventBusPort())
        .setClusterPublicHost(settings.host());
    settings.tls().ifPresent(tls -> EventBusTls.selfCheck(EventBusTls.apply(eventBus, tls)));
    options.setEventBusOptions(eventBus);
    return builder.with(options).withClusterManager(manager).buildClustered().map(vertx -> {
      manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {
          LOG.info("Cluster member joined: {} ({} member(s))", event.getMember().getAddress(), event.getMembers().size());
          onMembershipChange.run();
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
          LOG.info("Cluster member left: {} ({} member(s))", event.getMember().getAddress(), event.getMembers().size());
          onMembershipChange.run();
        }
      });
      LOG.info("Joined cluster '{}' as {}:{}, event bus on {}:{} over {} ({} member(s))", settings.name(),
          settings.host(), settings.port(), manager.getNodeInfo().host(), manager.getNodeInfo().port(),
          settings.tls().isPresent() ? "mutual TLS" : "plain TCP", manager.getNodes().size());
      return new ClusteredNode(vertx, view(manager));
    });
  }

  static Config hazelcastConfig(ClusterConfig settings) {
    Config config = load(settings.configFile());
    config.setClusterName(settings.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(settings.host()));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members = new ArrayList<>(settings.members());
    String self = settings.host() + ":" + settings.port();
    if (!members.contains(self)) {
      members.add(self);
    }
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    return config;
  }

  private static Config load(String file) {
    Path path = Path.of(file);
    try (InputStream in = Files.exists(path)
        ? Files.newInputStream(path)
        : Clustering.class.getClassLoader().getResourceAsStream(file)) {
      if (in == null) {
        throw new ConfigException("CLUSTER_CONFIG names a file that does not exist: " + file);
      }
      return Config.loadFromStream(in);
    } catch (IOException e) {
      throw new ConfigException("CLUSTER_CONFIG cannot be read: " + file);
    }
  }

  private static ClusterView view(HazelcastClusterManager manager) {
    return new ClusterView() {
      @Override
      public boolean clustered() {
        return true;
      }

      @Override
      public boolean active() {
        return manager.isActive();
      }

      @Override
      public int members() {
        return manager.isActive() ? manager.getNodes().size() : 0;
      }
    };
  }
}
