package io.latchkey.gateway;

/**
 * What a {@link GatewayCache} does with a cached "active" once its invalidation stream has been down (not
 * connected, or silent) for longer than {@link GatewayCacheOptions#setFreshnessBound the freshness bound}:
 * it may have missed a revocation, so it never answers such an entry as it is. A cached "revoked" stays
 * revoked either way (revocation is final).
 */
public enum StalePolicy {

  /**
   * Lookups that would answer a cached "active" fail with {@link CannotTellException} (reason
   * {@link CannotTellException.Reason#STREAM_STALE}): the gateway rejects (e.g. 503) rather than risk letting a
   * revoked session through. A lookup that misses still asks the session record, whose answer is current.
   */
  FAIL_CLOSED,

  /**
   * Every lookup asks the session record ({@code GET /api/v1/internal/sessions/{id}}, concurrent lookups of one
   * session sharing one request) until the stream is back and has caught up: correct at the price of one
   * request per lookup, for as long as the outage lasts.
   */
  ASK_PER_REQUEST
}
