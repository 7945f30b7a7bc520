package io.latchkey.session;

/**
 * The session cache's readiness.
 *
 * @param warm true once the boot warm-up has loaded the most recently used active sessions (up to the cache
 *     capacity); it stays true
 * @param current false while the node answers no cached session as valid, because it has not read
 *     PostgreSQL's revocations for {@code SESSION_CACHE_MAX_STALENESS_MS}
 * @param size entries cached (sessions and tombstones)
 */
public record CacheHealth(boolean warm, boolean current, long size) {}
