package io.latchkey.session;

/**
 * The session cache's readiness.
 *
 * @param warm true once the boot warm-up has loaded the most recently used active sessions (up to the cache
 *     capacity); it stays true
 * @param size entries cached (sessions and tombstones)
 */
public record CacheHealth(boolean warm, long size) {}
