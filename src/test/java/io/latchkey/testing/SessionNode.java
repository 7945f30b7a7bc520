package io.latchkey.testing;

import io.latchkey.config.AppConfig;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.session.CacheHealth;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionFailure;
import io.latchkey.session.SessionService;
import io.latchkey.session.impl.SessionVerticle;
import io.latchkey.telemetry.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.Map;

/** A session verticle deployed in its own Vert.x on a test database, with a client to talk to it. */
public final class SessionNode implements AutoCloseable {

  private final Vertx vertx;
  private final SessionService client;
  private String deployment;

  private SessionNode(Vertx vertx, SessionService client, String deployment) {
    this.vertx = vertx;
    this.client = client;
    this.deployment = deployment;
  }

  public static SessionNode start(DatabaseTarget database, Map<String, Object> overrides) {
    AppConfig config = TestConfig.forDatabase(database, overrides);
    Metrics metrics = new Metrics(new SimpleMeterRegistry());
    return start(database, config, metrics, SessionCache.create(config.sessionCache(), metrics.registry()));
  }

  /** The same with the verticle's metrics and cache given, for a test that watches them. */
  public static SessionNode start(DatabaseTarget database, AppConfig config, Metrics metrics, SessionCache cache) {
    Vertx vertx = Vertx.vertx();
    String id = vertx.deployVerticle(new SessionVerticle(database, config, metrics, cache)).await();
    return new SessionNode(vertx, SessionService.create(vertx, Duration.ofSeconds(10)), id);
  }

  /** Waits until the boot warm-up is done; returns the cache size it reports. */
  public long awaitWarm() throws Exception {
    CacheHealth health = Eventually.await(Duration.ofSeconds(20), () -> client.cacheHealth().await(),
        CacheHealth::warm, "the session cache to be warm");
    return health.size();
  }

  public SessionService client() {
    return client;
  }

  /**
   * A request of any body to one of the verticle's addresses, bypassing the typed service: for tests of
   * what the verticle does with a message it cannot read.
   */
  public Future<Object> rawRequest(String address, Object body) {
    return vertx.eventBus().request(address, body, new DeliveryOptions().setSendTimeout(10_000).setLocalOnly(true))
        .map(Message::body);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Undeploys the session verticle (flushing what it holds) but keeps Vert.x. */
  public void stopVerticle() {
    vertx.undeploy(deployment).await();
    deployment = null;
  }

  /** The failure a future ended with, or {@code null} when it succeeded. */
  public static SessionFailure failureOf(Future<?> call) {
    try {
      call.await();
      return null;
    } catch (Exception e) {
      SessionFailure failure = SessionService.failureOf(e);
      if (failure == null) {
        throw new AssertionError("failed without a session failure code", e);
      }
      return failure;
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
