package io.latchkey.db;

import io.latchkey.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/**
 * The node's PostgreSQL pools, built one way: every connection pins the schema and the statement timeout,
 * connecting and waiting for a connection are bounded by {@code DB_CONNECT_TIMEOUT_MS}, and the wait queue by
 * {@code DB_POOL_MAX_WAITING} (beyond it a request fails at once instead of queueing).
 */
public final class Pools {

  private Pools() {}

  /** A pool of {@code size} connections named {@code name} (its metrics carry the name). */
  public static Pool create(Vertx vertx, AppConfig config, DatabaseTarget database, String name, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions()
            .setMaxSize(size)
            .setMaxWaitQueueSize(config.dbPoolMaxWaiting())
            .setName(name)
            .setConnectionTimeout((int) config.dbConnectTimeout().toMillis())
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .with(new NetClientOptions().setConnectTimeout((int) config.dbConnectTimeout().toMillis()))
        .connectingTo(database.connectOptions(config.dbSchema(), config.dbStatementTimeout()))
        .using(vertx)
        .build();
  }
}
