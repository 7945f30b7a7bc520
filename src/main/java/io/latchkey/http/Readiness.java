package io.latchkey.http;

import io.latchkey.cluster.ClusterView;
import io.latchkey.session.SessionService;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.time.Duration;

/**
 * {@code /readyz}: vertx-health-check procedures: the database and the session cache, each asking the
 * session verticle over the local event bus (which answers the database check from one {@code SELECT 1}
 * at most a second old, shared by every caller), and on a clustered node its cluster membership. 200 when every check is UP; otherwise 503 and the JSON body lists each check with its status, so
 * the failing one is named.
 */
final class Readiness {

  static final String DATABASE = "database";
  static final String SESSION_CACHE = "session-cache";
  static final String CLUSTER = "cluster";
  private static final long BACKSTOP_MS = 1000;

  private Readiness() {}

  static HealthCheckHandler handler(Vertx vertx, Duration timeout, ClusterView cluster) {
    // each question has the timeout; the procedure's own, a little longer, is only a backstop: a procedure
    // that times out makes vertx-health-check answer 500, a check that says DOWN gives the 503 wanted
    SessionService sessions = SessionService.create(vertx, timeout);
    long backstop = timeout.toMillis() + BACKSTOP_MS;
    HealthChecks checks = HealthChecks.create(vertx)
        .register(DATABASE, backstop, promise -> sessions.databaseHealth()
            .onComplete(ok -> promise.tryComplete(Status.OK()), failure -> down(promise, failure)))
        .register(SESSION_CACHE, backstop, promise -> sessions.cacheHealth()
            .onComplete(health -> {
              JsonObject data = new JsonObject()
                  .put("state", !health.warm() ? "warming" : health.current() ? "warm" : "stale")
                  .put("entries", health.size());
              promise.tryComplete(health.warm() && health.current() ? Status.OK(data) : Status.KO(data));
            }, failure -> down(promise, failure)));
    if (cluster.clustered()) {
      checks.register(CLUSTER, backstop, promise -> {
        JsonObject data = new JsonObject().put("members", cluster.members());
        promise.complete(cluster.active() ? Status.OK(data) : Status.KO(data));
      });
    }
    return HealthCheckHandler.createWithHealthChecks(checks);
  }

  private static void down(Promise<Status> promise, Throwable failure) {
    String reason = failure instanceof ReplyException reply ? reply.getMessage() : "no answer";
    promise.tryComplete(Status.KO(new JsonObject().put("reason", reason)));
  }
}
