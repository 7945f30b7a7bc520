package io.latchkey;

import io.latchkey.config.AppConfig;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.EmbeddedDatabase;
import io.latchkey.db.Migrations;
import io.latchkey.invalidation.impl.FeedVerticle;
import io.latchkey.http.HttpVerticle;
import io.latchkey.http.RateLimitGuard;
import io.latchkey.login.LoginService;
import io.latchkey.auth.signature.ReplayCache;
import io.latchkey.cluster.ClusterView;
import io.latchkey.cluster.Clustering;
import io.latchkey.cluster.Clustering.ClusteredNode;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionService;
import io.latchkey.session.impl.SessionVerticle;
import io.vertx.core.DeploymentOptions;
import io.latchkey.telemetry.Metrics;
import io.latchkey.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node, started in a fixed order: database (embedded when {@code DATABASE_URL} is unset),
 * migrations, Vert.x (clustered when {@code CLUSTER_ENABLED}: it has joined the cluster when this step
 * completes), the session verticle, the invalidation feed, then one HTTP verticle per core. If any step fails,
 * the steps already taken are undone and the failure is thrown: a node is either fully up or not at all.
 * {@link #stop()} undoes them in reverse, gracefully.
 */
public final class Application {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  private final EmbeddedDatabase embedded;
  private final Telemetry telemetry;
  private final Vertx vertx;
  private final String httpDeployment;
  private final String sessionDeployment;
  private final String feedDeployment;
  private final LoginService logins;
  private final int httpPort;

  private Application(EmbeddedDatabase embedded, Telemetry telemetry, Vertx vertx, String sessionDeployment,
      String feedDeployment, LoginService logins, String httpDeployment, int httpPort) {
    this.embedded = embedded;
    this.telemetry = telemetry;
    this.vertx = vertx;
    this.sessionDeployment = sessionDeployment;
    this.feedDeployment = feedDeployment;
    this.logins = logins;
    this.httpDeployment = httpDeployment;
    this.httpPort = httpPort;
  }

  /** Starts a node with telemetry from OpenTelemetry's environment variables. */
  public static Application start(AppConfig config) throws Exception {
    return start(config, Telemetry.fromEnvironment());
  }

  /**
   * Starts a node; blocks until it listens. Call from a plain thread, never from an event loop.
   *
   * @param telemetry closed by {@link #stop()}, or here if the start fails
   */
  public static Application start(AppConfig config, Telemetry telemetry) throws Exception {
    EmbeddedDatabase embedded = null;
    Vertx vertx = null;
    try {
      DatabaseTarget database;
      if (config.databaseUrl().isPresent()) {
        database = DatabaseTarget.fromUrl(config.databaseUrl().get());
      } else {
        embedded = EmbeddedDatabase.start(config.dataDir(), config.embeddedDbPort());
        database = embedded.target();
      }
      LOG.info("Using database {}", database);
      Migrations.migrate(database, config.dbSchema());

      ClusterView cluster;
      VertxOptions options = new VertxOptions();
      VertxBuilder builder = telemetry.instrument(Vertx.builder(), options);
      if (config.cluster().enabled()) {
        Vertx[] joined = new Vertx[1];
        ClusteredNode node = Clustering.start(config.cluster(), builder, options, () -> {
          if (joined[0] != null) {
            SessionService.create(joined[0], config.eventBusTimeout()).catchUp();
          }
        }).await();
        vertx = node.vertx();
        joined[0] = vertx;
        cluster = node.view();
      } else {
        vertx = builder.build();
        cluster = ClusterView.standalone();
      }
      Metrics metrics = new Metrics(telemetry.registry());
      SessionCache cache = SessionCache.create(config.sessionCache(), telemetry.registry());
      String session = vertx.deployVerticle(new SessionVerticle(database, config, metrics, cache)).await();
      FeedVerticle feed = new FeedVerticle(database, config, metrics);
      String feedDeployment = vertx.deployVerticle(feed).await();
      List<HttpVerticle> servers = new CopyOnWriteArrayList<>();
      ReplayCache replays = ReplayCache.create(config.signatureMaxSkew(), config.signatureReplayMaxEntries());
      RateLimitGuard limits = RateLimitGuard.create(config.rateLimits(), telemetry.registry());
      LoginService logins = LoginService.create(vertx, config, database,
          SessionService.create(vertx, config.eventBusTimeout()), telemetry.registry());
      String http = vertx.deployVerticle(() -> {
        HttpVerticle server = new HttpVerticle(config, cluster, replays, telemetry, cache, limits, logins, feed);
        servers.add(server);
        return server;
      }, new DeploymentOptions().setInstances(config.httpInstances())).await();
      int port = servers.get(0).actualPort();
      LOG.info("latchkey listening on http://{}:{} ({} HTTP verticle instance(s))", config.httpHost(), port,
          config.httpInstances());
      return new Application(embedded, telemetry, vertx, session, feedDeployment, logins, http, port);
    } catch (Exception | Error e) {
      if (vertx != null) {
        closeQuietly(vertx);
      }
      telemetry.close();
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  public int httpPort() {
    return httpPort;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Graceful stop: HTTP servers end their invalidation streams, stop accepting and finish in-flight requests,
   * then the invalidation feed and the session verticle close their pools, then Vert.x and the embedded
   * database stop.
   */
  public void stop() throws Exception {
    LOG.info("Stopping");
    try {
      vertx.undeploy(httpDeployment).await();
      logins.close().await();
      vertx.undeploy(feedDeployment).await();
      vertx.undeploy(sessionDeployment).await();
      vertx.close().await();
    } finally {
      telemetry.close();
      if (embedded != null) {
        embedded.close();
      }
    }
    LOG.info("Stopped");
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await();
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly", e);
    }
  }
}
