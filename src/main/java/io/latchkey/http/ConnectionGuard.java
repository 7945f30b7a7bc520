package io.latchkey.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Watches the HTTP/1.1 connections of one server (one verticle, so one event loop: no locking).
 *
 * <ul>
 *   <li><b>Request heads arrive in time.</b> A new connection must have delivered a whole request head within
 *   {@code HTTP_HEADER_TIMEOUT_MS} of opening; a kept-alive one within the longer of that and
 *   {@code HTTP_IDLE_TIMEOUT_SECONDS} of its previous response ending (a load balancer's pooled connection
 *   may rightly wait that long for its next request). Past that the connection is closed without an answer:
 *   a client trickling its head a byte at a time never lets the idle timeout fire, but it cannot outlast
 *   this. One periodic sweep per server checks every connection; a request costs a map look-up and two
 *   field writes, and no timer.</li>
 *   <li><b>A body that cannot be decoded is answered.</b> A broken chunk line fails inside Vert.x, which
 *   closes the connection without a word; this answers 400 problem+json first, then closes.</li>
 * </ul>
 */
final class ConnectionGuard {

  /** One connection: since when it has been waiting for a request head (nanos), or the request it is on. */
  private static final class Watch {
    long waitingSince;
    boolean keptAlive;
    HttpServerRequest current;
  }

  private final Map<HttpConnection, Watch> connections = new HashMap<>();
  private final long firstHeadNanos;
  private final long nextHeadNanos;

  /** @param headTimeout {@code 0}: heads may take any time (only the idle timeout applies) */
  ConnectionGuard(Duration headTimeout, int idleTimeoutSeconds) {
    this.firstHeadNanos = headTimeout.isZero() ? Long.MAX_VALUE : headTimeout.toNanos();
    this.nextHeadNanos = headTimeout.isZero() ? Long.MAX_VALUE
        : Math.max(firstHeadNanos, Duration.ofSeconds(idleTimeoutSeconds).toNanos());
  }

  /** How often {@link #sweep} should run: a quarter of the bound, so a connection is closed within 1.25 times it. */
  static long sweepPeriodMillis(Duration headTimeout) {
    return Math.max(10, Math.min(1000, headTimeout.toMillis() / 4));
  }

  /** The server's connection handler. */
  void connected(HttpConnection connection) {
    Watch watch = new Watch();
    watch.waitingSince = System.nanoTime();
    connections.put(connection, watch);
    connection.closeHandler(v -> connections.remove(connection));
    connection.exceptionHandler(cause -> undecodable(watch, connection, cause));
  }

  /** Marks each request's connection busy (its head is in) before passing the request on. */
  Handler<HttpServerRequest> watching(Handler<HttpServerRequest> next) {
    return request -> {
      Watch watch = connections.get(request.connection());
      if (watch != null) {
        watch.current = request;
      }
      next.handle(request);
    };
  }

  /** Closes the connections that have waited too long for a request head. */
  void sweep() {
    long now = System.nanoTime();
    Iterator<Map.Entry<HttpConnection, Watch>> all = connections.entrySet().iterator();
    while (all.hasNext()) {
      Map.Entry<HttpConnection, Watch> entry = all.next();
      Watch watch = entry.getValue();
      if (watch.current != null) {
        if (!watch.current.response().ended()) {
          continue;
        }
        watch.current = null;
        watch.keptAlive = true;
        watch.waitingSince = now;
      }
      if (now - watch.waitingSince > (watch.keptAlive ? nextHeadNanos : firstHeadNanos)) {
        all.remove();
        entry.getKey().close();
      }
    }
  }

  /**
   * The decoder failed on the body of the request in progress (a malformed chunk line or trailer): answered
   * here, since Vert.x closes the connection right after. An I/O error (a reset) has no one to answer.
   */
  private static void undecodable(Watch watch, HttpConnection connection, Throwable cause) {
    HttpServerRequest request = watch.current;
    if (cause instanceof IOException || request == null) {
      return;
    }
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      return;
    }
    MalformedRequests.refuse(request, Problem.ofStatus(400, "The request body is not well-formed (chunked encoding)."));
  }
}
