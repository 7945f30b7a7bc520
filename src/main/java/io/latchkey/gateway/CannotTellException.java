package io.latchkey.gateway;

/**
 * The cache cannot tell whether the session is active, and does not guess: the gateway fails closed (503 with
 * {@code Retry-After}, say; never "valid"). Distinct from {@link SessionNotFoundException}, which is an answer.
 */
public final class CannotTellException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why the cache cannot tell. */
  public enum Reason {
    /**
     * The entry is a cached "active" and the invalidation stream has been down for longer than the freshness
     * bound (policy {@link StalePolicy#FAIL_CLOSED}).
     */
    STREAM_STALE,
    /** The session record could not be fetched from any latchkey node (unreachable, 5xx, timeout, bad answer). */
    UPSTREAM_UNAVAILABLE
  }

  private final Reason reason;

  public CannotTellException(Reason reason, String message, Throwable cause) {
    super(message, cause, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
