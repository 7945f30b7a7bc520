package io.latchkey.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.latchkey.config.AppConfig.SessionCacheConfig;

/**
 * The bounded session cache (Caffeine: size-bounded with TTL after write; the TTL bounds how stale an
 * entry can get). Owned by the session verticle and only touched from its event loop, so maintenance
 * runs on the calling thread instead of a shared pool.
 */
public final class SessionCache {

  private final Cache<TokenHash, CachedSession> entries;

  private SessionCache(Cache<TokenHash, CachedSession> entries) {
    this.entries = entries;
  }

  public static SessionCache create(SessionCacheConfig config) {
    return new SessionCache(Caffeine.newBuilder()
        .maximumSize(config.maxEntries())
        .expireAfterWrite(config.ttl())
        .executor(Runnable::run)
        .build());
  }

  /** Adds an entry unless one is already there: warm-up must never overwrite a newer entry or tombstone. */
  public void putIfAbsent(TokenHash hash, CachedSession session) {
    entries.asMap().putIfAbsent(hash, session);
  }

  public CachedSession get(TokenHash hash) {
    return entries.getIfPresent(hash);
  }

  public long size() {
    return entries.estimatedSize();
  }
}
