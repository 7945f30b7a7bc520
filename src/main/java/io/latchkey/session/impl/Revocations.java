package io.latchkey.session.impl;

import io.latchkey.session.Invalidation;
import io.latchkey.session.Revocation;
import io.latchkey.session.Revoked;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionStore;
import io.latchkey.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocations and their broadcast: the row becomes revoked in PostgreSQL first, then this node's cache
 * entry becomes a tombstone (read-your-writes), then an {@link Invalidation} is published cluster-wide
 * and every node's session verticle applies it ({@link #onBroadcast}). A node that missed a broadcast
 * catches up through {@link SafetyNet}.
 */
final class Revocations {

  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);

  private final Vertx vertx;
  private final SessionStore store;
  private final SessionCache cache;
  private final Lookups lookups;
  private final Metrics metrics;

  Revocations(Vertx vertx, SessionStore store, SessionCache cache, Lookups lookups, Metrics metrics) {
    this.vertx = vertx;
    this.store = store;
    this.cache = cache;
    this.lookups = lookups;
    this.metrics = metrics;
  }

  /** Idempotent: an already revoked session answers with its first revocation's time. */
  Future<Revocation> revoke(Requests.Revoke request) {
    UUID sessionId = request.sessionId();
    UUID owner = request.owner();
    return store.revoke(sessionId, owner, request.reason(), request.actor().wireName()).compose(revoked -> {
      if (revoked != null) {
        broadcast(new Invalidation(revoked.revokedAtMs(), null, List.of(revoked)));
        return Future.succeededFuture(new Revocation(sessionId, true, revoked.revokedAtMs()));
      }
      return store.findById(sessionId).map(row -> {
        if (row == null || (owner != null && !owner.equals(row.accountId()))) {
          throw new Failures.SessionNotFound();
        }
        if (row.active()) {
          // revoked by a concurrent call between the two statements is the only way to get here active
          throw new IllegalStateException("session changed during revocation");
        }
        return new Revocation(sessionId, false, row.revokedAt().toEpochMilli());
      });
    });
  }

  /** RFC 7009: true when this call revoked an active session; an unknown or already revoked token is false. */
  Future<Boolean> revokeToken(Requests.RevokeToken request) {
    return store.revokeByHash(request.tokenHash(), request.reason(), request.actor().wireName()).map(revoked -> {
      if (revoked == null) {
        return false;
      }
      broadcast(new Invalidation(revoked.revokedAtMs(), null, List.of(revoked)));
      return true;
    });
  }

  Future<List<UUID>> revokeAll(Requests.RevokeAll request) {
    UUID accountId = request.accountId();
    return store.revokeAll(accountId, request.keep(), request.reason(), request.actor().wireName())
        .map(revoked -> announce(accountId, revoked));
  }

  /**
   * Sessions of one account another part revoked in PostgreSQL (a disable, an erasure): applied here, then
   * broadcast, exactly as a revoke-all.
   *
   * @return their ids
   */
  List<UUID> announce(UUID accountId, List<Revoked> revoked) {
    if (!revoked.isEmpty()) {
      long at = revoked.stream().mapToLong(Revoked::revokedAtMs).max().orElseThrow();
      broadcast(new Invalidation(at, accountId, revoked));
    }
    return revoked.stream().map(Revoked::sessionId).toList();
  }

  /** Sessions {@link Expiry} just revoked as expired: broadcast like any other revocation. */
  void expired(List<Revoked> revoked) {
    if (!revoked.isEmpty()) {
      broadcast(new Invalidation(revoked.stream().mapToLong(Revoked::revokedAtMs).max().orElseThrow(), null, revoked));
    }
  }

  /** Applies a revocation here at once, then tells every node, this one included. */
  private void broadcast(Invalidation invalidation) {
    apply(invalidation);
    metrics.sessionsRevoked.increment(invalidation.sessions().size());
    vertx.eventBus().publish(SessionAddresses.INVALIDATED,
        invalidation.toJson().put("published_at_ms", System.currentTimeMillis()));
    metrics.invalidationsPublished.increment();
  }

  /** A broadcast from any node (this one included). */
  void onBroadcast(Message<JsonObject> message) {
    try {
      apply(Invalidation.fromJson(message.body()));
      metrics.invalidationsReceived.increment();
      Long published = message.body().getLong("published_at_ms");
      if (published != null) {
        metrics.invalidationLag.record(Math.max(0, System.currentTimeMillis() - published), TimeUnit.MILLISECONDS);
      }
    } catch (RuntimeException e) {
      LOG.warn("Ignoring a malformed invalidation message: {}", e.getMessage());
    }
  }

  private void apply(Invalidation invalidation) {
    for (Revoked r : invalidation.sessions()) {
      cache.tombstone(r.tokenHash(), new io.latchkey.session.CachedSession(r.sessionId(), r.accountId(), null, 0L, 0L),
          r.revokedAtMs());
      lookups.noteRevoked(r);
    }
  }
}
