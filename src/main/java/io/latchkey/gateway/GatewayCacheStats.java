package io.latchkey.gateway;

/**
 * A snapshot of a {@link GatewayCache}'s state and counters, for the gateway's own metrics and health checks
 * (the cache depends on no metrics library). Counters only grow.
 *
 * @param connected a stream connection is open and has caught up
 * @param fresh cached "active" records are answered as they are (the stream has not been down longer than the
 *     freshness bound); when false the {@link StalePolicy} applies
 * @param node the base URL the stream reads from (or will try next)
 * @param cursor the last event id received (what a reconnection resumes from), {@code null} before the first
 * @param lastHeardAtMs when the stream last brought any byte (epoch ms), {@code null} before the first
 * @param lastEventAtMs when the last invalidation event arrived (epoch ms), {@code null} before the first
 * @param size records cached (an estimate)
 * @param hits lookups answered from the cache
 * @param misses lookups that asked the session record (a miss, an expired entry, or a stale one under
 *     {@link StalePolicy#ASK_PER_REQUEST}); coalesced lookups count once each
 * @param fetches HTTP requests for session records
 * @param events invalidation events applied ({@code revoked} and {@code reset})
 * @param resets times the whole cache was dropped (a {@code reset} event, or a stream started with no cursor)
 * @param reconnects stream connections opened after the first
 */
public record GatewayCacheStats(boolean connected, boolean fresh, String node, String cursor, Long lastHeardAtMs,
    Long lastEventAtMs, long size, long hits, long misses, long fetches, long events, long resets,
    long reconnects) {}
