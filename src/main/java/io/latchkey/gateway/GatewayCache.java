package io.latchkey.gateway;

import io.latchkey.gateway.impl.GatewayCacheImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A gateway's own cache of latchkey sessions, the seed's {@code Cache} contract: it answers "is this session
 * active, and what is its key?" in memory on the hot path, asks latchkey's session record on a miss, and hears
 * revocations from latchkey's invalidation stream, so that a revoked session is rejected at the edge within
 * moments, without a request to latchkey.
 *
 * <ul>
 *   <li><b>Lookup</b>: LRU + TTL (Caffeine). A miss asks {@code GET /api/v1/internal/sessions/{id}} with the
 *       internal key; concurrent misses for one session share one request. A 404 fails the lookup with
 *       {@link SessionNotFoundException}.
 *   <li><b>Invalidations</b>: {@code GET /api/v1/internal/invalidations} as Server-Sent Events. Each
 *       {@code revoked} event marks its sessions revoked (and, when it names an account, every cached session
 *       of that account); {@code reset} drops the whole cache. The cache keeps the last event id and resumes
 *       from it ({@code Last-Event-ID}) after a drop, with backoff, on the next of its base URLs, so nothing is
 *       lost when the node it reads from dies. Each (re)connection first catches up through the stream's JSON
 *       form, so the cache knows the moment it is current again.
 *   <li><b>Freshness</b>: when the stream has been down (not connected, or silent) longer than the
 *       {@linkplain GatewayCacheOptions#setFreshnessBound freshness bound}, a cached "active" is not answered as
 *       it is: the {@link StalePolicy} says whether the lookup fails ({@link CannotTellException}) or asks the
 *       record. A cached "revoked" stays revoked. Before the stream first connects the cache counts as stale.
 *   <li><b>Races</b>: a record fetched while an event revoked its session (or its whole account) is not cached
 *       as active: the event wins, or the record is asked again.
 * </ul>
 *
 * <p><b>Threads</b>: thread-safe. Call {@link #lookup} from any thread or Vert.x context (every instance of a
 * gateway's HTTP verticle shares one cache); a hit is answered on the caller's thread, and a miss's future
 * completes on the caller's context. The stream runs on the context {@link #create} was called on (or an event
 * loop context of its own when called outside one).
 *
 * <p>In a gateway's handler, with the session id the request names ({@code keyid} in {@code Signature-Input}):
 *
 * <pre>{@code
 * sessions.lookup(keyid).onComplete(found -> {
 *   if (found.failed()) {          // CannotTellException: 503 (never "valid"); SessionNotFoundException: 401
 *     ctx.response().setStatusCode(found.cause() instanceof CannotTellException ? 503 : 401).end();
 *   } else if (!found.result().active() || !signatureVerifies(ctx.request(), found.result().clientPublicKey())) {
 *     ctx.response().setStatusCode(401).end();
 *   } else {
 *     forward(ctx, found.result().userId());   // e.g. with X-User-ID
 *   }
 * });
 * }</pre>
 *
 * <p>This package depends only on the JDK, Vert.x core, Vert.x Web Client and Caffeine, so a gateway can take it
 * as it is. The {@linkplain io.latchkey.gateway package documentation} shows the whole handler.
 */
public interface GatewayCache {

  /**
   * Creates a cache; {@link #start()} opens its stream.
   *
   * @throws IllegalArgumentException when the options cannot work ({@link GatewayCacheOptions#validate()})
   */
  static GatewayCache create(Vertx vertx, GatewayCacheOptions options) {
    return new GatewayCacheImpl(vertx, options);
  }

  /**
   * Opens the invalidation stream (once; calling it again returns the same future). The future completes once the stream has connected and caught up for the
   * first time; until then lookups follow the {@link StalePolicy}. It keeps trying (with backoff, through every
   * base URL) for as long as it takes, so a gateway need not wait for it to start serving.
   */
  Future<Void> start();

  /**
   * The session's record.
   *
   * @return the record (active or revoked: the gateway rejects a revoked one); failed with
   *     {@link SessionNotFoundException} when latchkey knows no such session (or {@code sessionId} is not a
   *     session id), or with {@link CannotTellException} when the cache cannot tell
   */
  Future<GatewayRecord> lookup(String sessionId);

  /** Marks the cached record of this session revoked, now. A session that is not cached is left alone. */
  void markRevoked(String sessionId);

  /** Marks every cached record of this account revoked, now. An account with none cached is left alone. */
  void markAllRevokedForUser(String userId);

  /** State and counters, for the gateway's metrics and health checks. */
  GatewayCacheStats stats();

  /** Closes the stream and the HTTP clients; lookups still waiting for a record fail. */
  Future<Void> close();
}
