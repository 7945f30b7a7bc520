package io.latchkey.session;

/**
 * The session verticle's event-bus contract: every address it listens on, with the shape of its
 * messages. Only the session verticle touches the cache and the store; everyone else talks to it here.
 *
 * <p>All request/reply addresses are <b>local</b> consumers: requests that may carry a token never leave
 * the node. Failures are replied as {@link io.vertx.core.eventbus.ReplyException}s whose
 * {@code failureCode()} is one of {@link SessionFailure}.
 */
public final class SessionAddresses {

  private SessionAddresses() {}

  /**
   * Readiness of the database. Request: empty {@code JsonObject}. Reply: {@code {"ok":true}} when
   * PostgreSQL answered a ping; otherwise a failure with {@link SessionFailure#DATABASE_UNAVAILABLE}.
   */
  public static final String HEALTH_DATABASE = "latchkey.session.health.database";

  /**
   * Readiness of the session cache. Request: empty {@code JsonObject}. Reply:
   * {@code {"warm":bool,"size":long}}; {@code warm} turns true once the boot warm-up has loaded the most
   * recently used active sessions (up to the cache capacity) and stays true.
   */
  public static final String HEALTH_CACHE = "latchkey.session.health.cache";
}
