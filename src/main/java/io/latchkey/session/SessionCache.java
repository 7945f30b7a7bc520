package io.latchkey.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.latchkey.config.AppConfig.SessionCacheConfig;
import io.latchkey.account.Account;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.UUID;

/**
 * The session verticle's memory of sessions, keyed by token hash:
 * <ul>
 *   <li>{@code sessions}: active sessions and revocation tombstones, bounded by size (least recently used
 *       leave first) and by a TTL after write, which bounds how stale an entry can be;</li>
 *   <li>{@code unknown}: hashes the database did not know, remembered briefly so a client repeating a
 *       random token costs one query per negative-cache period, not one per request;</li>
 *   <li>{@code devices}: for device-bound sessions only, the token hash of each session id, so a request
 *       signed with {@code keyid} (SPEC §6, signature alone) finds its session without a token. It points
 *       into {@code sessions} and holds nothing else: whatever {@code sessions} holds for the hash (an
 *       active entry, a tombstone, nothing) is the answer, so revocations, TTL, staleness and lifetimes
 *       apply to both ways in alike, and an ordinary session costs no byte more;</li>
 *   <li>{@code unknownIds}: session ids that name no device-bound session (unknown, or without a key), the
 *       {@code keyid} counterpart of {@code unknown}.</li>
 * </ul>
 * The session verticle is its only writer. The HTTP verticles read it directly (Caffeine is thread-safe),
 * so a cache hit costs no event-bus hop; everything else (misses, creations, revocations, tombstones)
 * goes through the session verticle. Maintenance runs on the calling thread instead of a shared pool.
 * It also keeps accounts with their identities, for {@code GET /user/me}.
 */
public final class SessionCache {

  private final Cache<TokenHash, CachedSession> sessions;
  private final Cache<TokenHash, Boolean> unknown;
  private final Cache<UUID, TokenHash> devices;
  private final Cache<UUID, Boolean> unknownIds;
  private final Cache<UUID, Account> accounts;
  private volatile boolean current = true;

  private SessionCache(Cache<TokenHash, CachedSession> sessions, Cache<TokenHash, Boolean> unknown,
      Cache<UUID, TokenHash> devices, Cache<UUID, Boolean> unknownIds, Cache<UUID, Account> accounts) {
    this.sessions = sessions;
    this.unknown = unknown;
    this.devices = devices;
    this.unknownIds = unknownIds;
    this.accounts = accounts;
  }

  public static SessionCache create(SessionCacheConfig config) {
    return create(config, null);
  }

  /** With a registry, both caches report hits, misses, size and evictions ({@code cache_*{cache="sessions"}}). */
  public static SessionCache create(SessionCacheConfig config, MeterRegistry registry) {
    Caffeine<Object, Object> sessions = Caffeine.newBuilder()
        .maximumSize(config.maxEntries())
        .expireAfterWrite(config.ttl())
        .executor(Runnable::run);
    Caffeine<Object, Object> unknown = Caffeine.newBuilder()
        .maximumSize(config.negativeMaxEntries())
        .expireAfterWrite(config.negativeTtl())
        .executor(Runnable::run);
    Cache<UUID, Account> accounts = Caffeine.newBuilder()
        .maximumSize(config.maxEntries())
        .expireAfterWrite(config.ttl())
        .executor(Runnable::run)
        .build();
    Cache<UUID, TokenHash> devices = Caffeine.newBuilder()
        .maximumSize(config.maxEntries())
        .expireAfterWrite(config.ttl())
        .executor(Runnable::run)
        .build();
    Cache<UUID, Boolean> unknownIds = Caffeine.newBuilder()
        .maximumSize(config.negativeMaxEntries())
        .expireAfterWrite(config.negativeTtl())
        .executor(Runnable::run)
        .build();
    if (registry == null) {
      return new SessionCache(sessions.build(), unknown.build(), devices, unknownIds, accounts);
    }
    Cache<TokenHash, CachedSession> sessionCache = sessions.recordStats().build();
    Cache<TokenHash, Boolean> unknownCache = unknown.recordStats().build();
    CaffeineCacheMetrics.monitor(registry, sessionCache, "sessions");
    CaffeineCacheMetrics.monitor(registry, unknownCache, "unknown_tokens");
    return new SessionCache(sessionCache, unknownCache, devices, unknownIds, accounts);
  }

  /** The cached session or tombstone, or {@code null}; a lookup, counted as a cache hit or miss. */
  public CachedSession get(TokenHash hash) {
    return sessions.getIfPresent(hash);
  }

  /** The same without counting: bookkeeping reads (and second looks) must not skew the hit ratio. */
  public CachedSession peek(TokenHash hash) {
    return sessions.asMap().get(hash);
  }

  /**
   * The token hash of a device-bound session by its id, or {@code null} when this node does not know it
   * (never cached, or its entry here expired): where {@link #device} looks.
   */
  public TokenHash deviceHash(UUID sessionId) {
    return devices.getIfPresent(sessionId);
  }

  /**
   * The cached device-bound session or tombstone with this id, or {@code null}; a lookup, counted like
   * {@link #get}. {@code null} too when the index still names a hash whose entry is gone (evicted): the
   * session verticle then reads it again by that hash.
   */
  public CachedSession device(UUID sessionId) {
    TokenHash hash = devices.getIfPresent(sessionId);
    if (hash == null) {
      return null;
    }
    CachedSession session = sessions.getIfPresent(hash);
    return session != null && session.sessionId().equals(sessionId) ? session : null;
  }

  /**
   * Adds what the database said unless the cache already holds something for the hash, and returns
   * what the cache holds afterwards. A tombstone written by a revocation while the read was in flight
   * therefore wins over the read's older "active"; a tombstone already evicted again cannot, which is why
   * the session verticle also remembers revocations that arrive while a read is in flight.
   */
  public CachedSession fill(TokenHash hash, CachedSession fromDatabase) {
    CachedSession previous = sessions.asMap().putIfAbsent(hash, fromDatabase);
    // indexed by what the database said: a tombstone written without the key still answers for its id
    index(hash, fromDatabase);
    return previous != null ? previous : fromDatabase;
  }

  /**
   * A session that was just created (write-through). Nothing older can be cached for a new hash, but
   * something newer can: a revoke-all that saw the committed row, here or on another node, may be applied
   * before the creator's insert reply is handled. Its tombstone wins, as in {@link #fill}.
   */
  public void putCreated(TokenHash hash, CachedSession session) {
    sessions.asMap().putIfAbsent(hash, session);
    unknown.invalidate(hash);
    if (session.clientPublicKey() != null) {
      unknownIds.invalidate(session.sessionId());
      index(hash, session);
    }
  }

  /** A device-bound session becomes findable by its id; any other is not indexed (it costs nothing here). */
  private void index(TokenHash hash, CachedSession session) {
    if (session.clientPublicKey() != null) {
      devices.put(session.sessionId(), hash);
    }
  }

  /**
   * Marks the session revoked, whether or not it is cached: the tombstone stops any in-flight database
   * read, and the boot warm-up, from caching it as active.
   *
   * @return whether a tombstone was written (false: there already was one)
   */
  public boolean tombstone(TokenHash hash, CachedSession known, long revokedAtMs) {
    CachedSession current = peek(hash);
    if (current != null && !current.active()) {
      return false;
    }
    CachedSession basis = current != null ? current : known;
    sessions.put(hash, basis.revoked(revokedAtMs));
    return true;
  }

  /**
   * Marks a cached session revoked if it is cached and active; a session that is not cached is left
   * alone (its next lookup reads the revoked row; a read already in flight is the session verticle's to
   * correct). Used by the safety-net poll once the boot warm-up is done.
   *
   * @return whether an active entry was turned into a tombstone
   */
  public boolean revokeIfCached(TokenHash hash, long revokedAtMs) {
    CachedSession current = peek(hash);
    if (current == null || !current.active()) {
      return false;
    }
    sessions.put(hash, current.revoked(revokedAtMs));
    return true;
  }

  /**
   * Whether an active entry may be answered as valid: false while the node has not reached PostgreSQL's
   * revocations for longer than {@code SESSION_CACHE_MAX_STALENESS_MS} (it cannot know what was revoked
   * since). Read on every cache hit, so it is one volatile read; the session verticle sets it.
   */
  public boolean current() {
    return current;
  }

  /** Set by the session verticle's safety net only, the one part that knows when PostgreSQL was last read. */
  public void current(boolean current) {
    this.current = current;
  }

  public boolean knownUnknown(TokenHash hash) {
    return unknown.getIfPresent(hash) != null;
  }

  public void rememberUnknown(TokenHash hash) {
    unknown.put(hash, Boolean.TRUE);
  }

  /** Whether this id was recently found to name no device-bound session (see {@link #rememberUnknownId}). */
  public boolean knownUnknownId(UUID sessionId) {
    return unknownIds.getIfPresent(sessionId) != null;
  }

  /**
   * Remembers, for the negative-cache period, that no device-bound session has this id (none at all, or one
   * without a key: a key is set at creation only, so that cannot change).
   */
  public void rememberUnknownId(UUID sessionId) {
    unknownIds.put(sessionId, Boolean.TRUE);
  }

  /** An account with its identities, or {@code null} when not cached. */
  public Account account(UUID accountId) {
    return accounts.getIfPresent(accountId);
  }

  public void putAccount(Account account) {
    accounts.put(account.accountId(), account);
  }

  public void forgetAccount(UUID accountId) {
    accounts.invalidate(accountId);
  }

  public long size() {
    return sessions.estimatedSize();
  }
}
