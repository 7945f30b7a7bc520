package io.latchkey.session.impl;

import io.latchkey.session.CachedSession;
import io.latchkey.session.Lifetimes;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionStore;
import io.latchkey.session.TokenHash;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * "Who is this token?" when the shared cache could not say: a second look in the cache, then PostgreSQL,
 * with three bounds on the load a caller can cause (concurrent misses for one hash share one query,
 * unknown hashes are remembered for the negative-cache period, at most {@code MAX_INFLIGHT_MISSES}
 * distinct queries wait at once; beyond that OVERLOADED). A revocation noted while a read is in flight
 * wins over the row it returns, even when its tombstone has already been evicted.
 *
 * <p>Lifetimes: a session past its maximum lifetime is not found. One this node has not answered for the
 * idle timeout is checked in PostgreSQL first ({@link Expiry#stillActive}: another node may have used it),
 * under the same bounds as a miss: one check per hash at a time, counted against
 * {@code MAX_INFLIGHT_MISSES}.
 */
final class Lookups {

  private final SessionStore store;
  private final SessionCache cache;
  private final int maxInflightMisses;
  private final LastSeenWriter lastSeen;
  private final long lastSeenIntervalMs;
  private final Lifetimes lifetimes;
  private final Map<TokenHash, Future<CachedSession>> missesInFlight = new HashMap<>();
  private final Map<TokenHash, Future<CachedSession>> idleChecksInFlight = new HashMap<>();
  private Expiry expiry;
  /**
   * Revocations (epoch ms) that arrived while a miss's read of the same hash was in flight. The read's
   * snapshot may predate them, and the tombstone that should stop it may already be evicted.
   */
  private final Map<TokenHash, Long> revokedDuringRead = new HashMap<>();

  Lookups(SessionStore store, SessionCache cache, int maxInflightMisses, LastSeenWriter lastSeen,
      long lastSeenIntervalMs, Lifetimes lifetimes) {
    this.store = store;
    this.cache = cache;
    this.maxInflightMisses = maxInflightMisses;
    this.lastSeen = lastSeen;
    this.lastSeenIntervalMs = lastSeenIntervalMs;
    this.lifetimes = lifetimes;
  }

  /** Where idle sessions are checked (built after this part: it revokes through {@link Revocations}). */
  void expireThrough(Expiry expiry) {
    this.expiry = expiry;
  }

  /** The active session, or SessionNotFound; records a coalesced last-seen. */
  Future<CachedSession> lookup(Requests.Lookup request) {
    TokenHash hash = request.tokenHash();
    // a caller that already looked in the shared cache (and counted its miss) asks for a second look only
    CachedSession cached = request.cacheChecked() ? cache.peek(hash) : cache.get(hash);
    Future<CachedSession> found = cached != null ? Future.succeededFuture(cached) : miss(hash);
    return found.compose(session -> {
      if (session == null || !session.active()) {
        return Future.failedFuture(new Failures.SessionNotFound());
      }
      if (cached != null && !cache.current()) {
        return Future.failedFuture(new Failures.Stale());
      }
      long now = System.currentTimeMillis();
      if (lifetimes.pastMaxLifetime(session, now)) {
        return Future.failedFuture(new Failures.SessionNotFound());
      }
      return lifetimes.idleHere(session, now) ? checkIdle(hash, session) : Future.succeededFuture(accept(session, now));
    });
  }

  private CachedSession accept(CachedSession session, long now) {
    lifetimes.used(session, now);
    if (session.markSeen(now, lastSeenIntervalMs)) {
      lastSeen.mark(session.sessionId(), now);
    }
    return session;
  }

  /** Not used here for the idle timeout: PostgreSQL says whether it was used elsewhere, or revokes it. */
  private Future<CachedSession> checkIdle(TokenHash hash, CachedSession session) {
    Future<CachedSession> pending = idleChecksInFlight.get(hash);
    if (pending != null) {
      return pending;
    }
    if (missesInFlight.size() + idleChecksInFlight.size() >= maxInflightMisses) {
      return Future.failedFuture(new Failures.Overloaded());
    }
    Future<CachedSession> check = expiry.stillActive(session).map(active -> {
      long now = System.currentTimeMillis();
      if (!active) {
        cache.revokeIfCached(hash, now);
        throw new Failures.SessionNotFound();
      }
      return accept(session, now);
    });
    idleChecksInFlight.put(hash, check);
    return check.andThen(done -> idleChecksInFlight.remove(hash));
  }

  /** Called for every revocation applied here: a read of the same hash in flight must not undo it. */
  void noteRevoked(TokenHash hash, long revokedAtMs) {
    if (missesInFlight.containsKey(hash)) {
      revokedDuringRead.put(hash, revokedAtMs);
    }
  }

  private Future<CachedSession> miss(TokenHash hash) {
    if (cache.knownUnknown(hash)) {
      return Future.succeededFuture(null);
    }
    Future<CachedSession> pending = missesInFlight.get(hash);
    if (pending != null) {
      return pending;
    }
    if (missesInFlight.size() + idleChecksInFlight.size() >= maxInflightMisses) {
      return Future.failedFuture(new Failures.Overloaded());
    }
    Future<CachedSession> read = store.findByHash(hash).map(row -> {
      if (row == null) {
        cache.rememberUnknown(hash);
        return null;
      }
      CachedSession fromDatabase = new CachedSession(row.sessionId(), row.accountId(), row.clientPublicKey(),
          row.createdAt().toEpochMilli(), row.active() ? 0L : row.revokedAt().toEpochMilli(),
          (row.lastSeenAt() != null ? row.lastSeenAt() : row.createdAt()).toEpochMilli());
      Long revokedAtMs = revokedDuringRead.get(hash);
      if (revokedAtMs != null && fromDatabase.active()) {
        fromDatabase = fromDatabase.revoked(revokedAtMs);
      }
      return cache.fill(hash, fromDatabase);
    });
    missesInFlight.put(hash, read);
    return read.andThen(done -> {
      missesInFlight.remove(hash);
      revokedDuringRead.remove(hash);
    });
  }
}
