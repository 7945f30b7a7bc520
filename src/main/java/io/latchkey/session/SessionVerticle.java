package io.latchkey.session;

import io.latchkey.config.AppConfig;
import io.latchkey.db.DatabaseTarget;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the session cache and the PostgreSQL store, and answers on the addresses of
 * {@link SessionAddresses}. Deployed once per node, before the HTTP verticles.
 *
 * <p>Start-up completes as soon as its consumers are registered; the cache warm-up then runs in the
 * background and readiness ({@link SessionAddresses#HEALTH_CACHE}) reports when it is done, so the node
 * answers {@code /readyz} with 503 instead of refusing connections while it warms.
 */
public final class SessionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);

  private final DatabaseTarget database;
  private final AppConfig config;
  private Pool pool;
  private SessionStore store;
  private SessionCache cache;
  private boolean warm;

  public SessionVerticle(DatabaseTarget database, AppConfig config) {
    this.database = database;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool()
        .with(new PoolOptions()
            .setMaxSize(config.dbPoolSize())
            .setName("latchkey-sessions")
            .setConnectionTimeout((int) config.dbConnectTimeout().toMillis())
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .with(new NetClientOptions().setConnectTimeout((int) config.dbConnectTimeout().toMillis()))
        .connectingTo(database.connectOptions(config.dbSchema()))
        .using(vertx)
        .build();
    store = SessionStore.create(pool);
    cache = SessionCache.create(config.sessionCache());
    var bus = vertx.eventBus();
    return Future.all(
            bus.<JsonObject>localConsumer(SessionAddresses.HEALTH_DATABASE, this::databaseHealth).completion(),
            bus.<JsonObject>localConsumer(SessionAddresses.HEALTH_CACHE, this::cacheHealth).completion())
        .onSuccess(registered -> warmUp());
  }

  @Override
  public Future<?> stop() {
    return pool.close();
  }

  private void databaseHealth(Message<JsonObject> message) {
    store.ping().onComplete(
        ok -> message.reply(new JsonObject().put("ok", true)),
        failure -> message.fail(SessionFailure.DATABASE_UNAVAILABLE.code(), "database did not answer a ping"));
  }

  private void cacheHealth(Message<JsonObject> message) {
    message.reply(new JsonObject().put("warm", warm).put("size", cache.size()));
  }

  private void warmUp() {
    long started = System.nanoTime();
    var settings = config.sessionCache();
    store.streamActive(settings.maxEntries(), settings.warmupFetchSize(), cache::putIfAbsent).onComplete(
        loaded -> {
          warm = true;
          LOG.info("Session cache warm: {} active session(s) loaded in {} ms", loaded,
              (System.nanoTime() - started) / 1_000_000);
        },
        failure -> {
          LOG.warn("Session cache warm-up failed ({}); retrying in {} ms", failure.getMessage(),
              settings.warmupRetry().toMillis());
          vertx.setTimer(settings.warmupRetry().toMillis(), t -> warmUp());
        });
  }
}
