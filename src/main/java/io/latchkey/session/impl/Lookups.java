package io.latchkey.session.impl;

import io.latchkey.session.CachedSession;
import io.latchkey.session.Lifetimes;
import io.latchkey.session.Revoked;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionRecord;
import io.latchkey.session.SessionStore;
import io.latchkey.session.TokenHash;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

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
 *
 * <p>A device-bound session is also looked up by its id (a request signed with {@code keyid}): the cache's
 * index gives its token hash, and from there everything is the token's lookup. Without the index, PostgreSQL
 * is read by id under the same three bounds (one query per id at a time, ids naming no device-bound session
 * remembered for the negative-cache period, all misses together at most {@code MAX_INFLIGHT_MISSES}), and
 * the row is cached under its token hash, where either way in finds it.
 */
final class Lookups {

  private final SessionStore store;
  private final SessionCache cache;
  private final int maxInflightMisses;
  private final LastSeenWriter lastSeen;
  private final long lastSeenIntervalMs;
  private final Lifetimes lifetimes;
  private final Map<TokenHash, Future<CachedSession>> missesInFlight = new HashMap<>();
  private final Map<UUID, Future<ReadById>> idMissesInFlight = new HashMap<>();
  private final Map<TokenHash, Future<CachedSession>> idleChecksInFlight = new HashMap<>();
  private Expiry expiry;
  /**
   * Revocations (epoch ms) that arrived while a miss's read of the same hash was in flight. The read's
   * snapshot may predate them, and the tombstone that should stop it may already be evicted.
   */
  private final Map<TokenHash, Long> revokedDuringRead = new HashMap<>();
  /** The same for reads by session id, whose token hash is not known until they return. */
  private final Map<UUID, Long> revokedDuringIdRead = new HashMap<>();

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
    return lookup(request.tokenHash(), request.cacheChecked());
  }

  /** The active device-bound session with this id, or SessionNotFound; records a coalesced last-seen. */
  Future<CachedSession> lookupDevice(Requests.LookupDevice request) {
    UUID sessionId = request.sessionId();
    TokenHash hash = cache.deviceHash(sessionId);
    Future<CachedSession> found = hash != null
        ? lookup(hash, request.cacheChecked())
        : missById(sessionId).compose(read -> read == null
            ? Future.failedFuture(new Failures.SessionNotFound())
            : decide(read.tokenHash(), false, read.session()));
    return found.map(session -> {
      if (session.clientPublicKey() == null || !session.sessionId().equals(sessionId)) {
        throw new Failures.SessionNotFound();
      }
      return session;
    });
  }

  private Future<CachedSession> lookup(TokenHash hash, boolean cacheChecked) {
    // a caller that already looked in the shared cache (and counted its miss) asks for a second look only
    CachedSession cached = cacheChecked ? cache.peek(hash) : cache.get(hash);
    Future<CachedSession> found = cached != null ? Future.succeededFuture(cached) : miss(hash);
    return found.compose(session -> decide(hash, cached != null, session));
  }

  /** Whether a session found ({@code null}: none) is answered: active, current, within its lifetimes. */
  private Future<CachedSession> decide(TokenHash hash, boolean fromCache, CachedSession session) {
    if (session == null || !session.active()) {
      return Future.failedFuture(new Failures.SessionNotFound());
    }
    if (fromCache && !cache.current()) {
      return Future.failedFuture(new Failures.Stale());
    }
    long now = System.currentTimeMillis();
    if (lifetimes.pastMaxLifetime(session, now)) {
      return Future.failedFuture(new Failures.SessionNotFound());
    }
    return lifetimes.idleHere(session, now) ? checkIdle(hash, session) : Future.succeededFuture(accept(session, now));
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
    if (inFlight() >= maxInflightMisses) {
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

  /** Called for every revocation applied here: a read of the same session in flight must not undo it. */
  void noteRevoked(Revoked revoked) {
    if (missesInFlight.containsKey(revoked.tokenHash())) {
      revokedDuringRead.put(revoked.tokenHash(), revoked.revokedAtMs());
    }
    if (idMissesInFlight.containsKey(revoked.sessionId())) {
      revokedDuringIdRead.put(revoked.sessionId(), revoked.revokedAtMs());
    }
  }

  private int inFlight() {
    return missesInFlight.size() + idMissesInFlight.size() + idleChecksInFlight.size();
  }

  private Future<CachedSession> miss(TokenHash hash) {
    if (cache.knownUnknown(hash)) {
      return Future.succeededFuture(null);
    }
    Future<CachedSession> pending = missesInFlight.get(hash);
    if (pending != null) {
      return pending;
    }
    if (inFlight() >= maxInflightMisses) {
      return Future.failedFuture(new Failures.Overloaded());
    }
    Future<CachedSession> read = store.findByHash(hash).map(row -> {
      if (row == null) {
        cache.rememberUnknown(hash);
        return null;
      }
      CachedSession fromDatabase = cached(row);
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

  /** A device-bound session read by id, cached under its token hash. */
  private record ReadById(TokenHash tokenHash, CachedSession session) {}

  /**
   * A device-bound session by id from PostgreSQL ({@code null}: there is none, or it has no key), under the
   * same bounds as {@link #miss}.
   */
  private Future<ReadById> missById(UUID sessionId) {
    if (cache.knownUnknownId(sessionId)) {
      return Future.succeededFuture(null);
    }
    Future<ReadById> pending = idMissesInFlight.get(sessionId);
    if (pending != null) {
      return pending;
    }
    if (inFlight() >= maxInflightMisses) {
      return Future.failedFuture(new Failures.Overloaded());
    }
    Future<ReadById> read = store.findKeyedById(sessionId).map(keyed -> {
      if (keyed == null || keyed.row().clientPublicKey() == null) {
        cache.rememberUnknownId(sessionId);
        return null;
      }
      CachedSession fromDatabase = cached(keyed.row());
      Long revokedAtMs = revokedDuringIdRead.get(sessionId);
      if (revokedAtMs != null && fromDatabase.active()) {
        fromDatabase = fromDatabase.revoked(revokedAtMs);
      }
      return new ReadById(keyed.tokenHash(), cache.fill(keyed.tokenHash(), fromDatabase));
    });
    idMissesInFlight.put(sessionId, read);
    return read.andThen(done -> {
      idMissesInFlight.remove(sessionId);
      revokedDuringIdRead.remove(sessionId);
    });
  }

  private static CachedSession cached(SessionRecord row) {
    return new CachedSession(row.sessionId(), row.accountId(), row.clientPublicKey(),
        row.createdAt().toEpochMilli(), row.active() ? 0L : row.revokedAt().toEpochMilli(),
        (row.lastSeenAt() != null ? row.lastSeenAt() : row.createdAt()).toEpochMilli());
  }
}
