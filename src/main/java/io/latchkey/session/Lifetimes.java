package io.latchkey.session;

import io.latchkey.config.AppConfig.LastSeenConfig;
import io.latchkey.config.AppConfig.SessionLifetimeConfig;

/**
 * How long sessions live (SPEC §5b): a maximum lifetime from creation and an idle timeout since the last
 * use on any node, each off at 0. The checks are a subtraction and a comparison, made on every cache hit.
 *
 * <p>Idleness has two views. A node knows when <em>it</em> last answered a session ({@link
 * CachedSession#lastUsedMs()}): while that is within the idle timeout the session is not idle, and no
 * query is made. Past it, only PostgreSQL can tell whether another node used the session since:
 * {@code last_seen_at}, which trails a use on another node by up to {@code LAST_SEEN_INTERVAL_MS} (a use is
 * marked at most once per interval) plus {@code LAST_SEEN_FLUSH_MS} (marks are written in batches). So
 * PostgreSQL calls a session idle only when {@code last_seen_at} is older than the idle timeout plus that
 * lag ({@link #databaseIdleMs()}): a session is never rejected for idleness unless it went unused on every
 * node for a whole idle timeout, and it is rejected at most the lag later than that.
 */
public final class Lifetimes {

  /** No lifetime applies: sessions live until revoked (the default). */
  public static final Lifetimes NONE = new Lifetimes(0, 0, 0);

  private final long maxLifetimeMs;
  private final long idleTimeoutMs;
  private final long lastSeenLagMs;

  private Lifetimes(long maxLifetimeMs, long idleTimeoutMs, long lastSeenLagMs) {
    this.maxLifetimeMs = maxLifetimeMs;
    this.idleTimeoutMs = idleTimeoutMs;
    this.lastSeenLagMs = lastSeenLagMs;
  }

  public static Lifetimes of(SessionLifetimeConfig lifetimes, LastSeenConfig lastSeen) {
    return new Lifetimes(lifetimes.maxLifetime().toMillis(), lifetimes.idleTimeout().toMillis(),
        lastSeen.interval().toMillis() + lastSeen.flushEvery().toMillis());
  }

  /** Whether any lifetime applies. */
  public boolean any() {
    return maxLifetimeMs != 0 || idleTimeoutMs != 0;
  }

  /** The maximum lifetime, 0 when off. */
  public long maxLifetimeMs() {
    return maxLifetimeMs;
  }

  /** The idle timeout, 0 when off. */
  public long idleTimeoutMs() {
    return idleTimeoutMs;
  }

  /**
   * How old {@code last_seen_at} must be for PostgreSQL to call a session idle: the idle timeout plus the
   * most a use on another node can be late there; 0 when off.
   */
  public long databaseIdleMs() {
    return idleTimeoutMs == 0 ? 0 : idleTimeoutMs + lastSeenLagMs;
  }

  /** Past its maximum lifetime at {@code nowMs}: answered like a revoked session, on every node. */
  public boolean pastMaxLifetime(CachedSession session, long nowMs) {
    return maxLifetimeMs != 0 && nowMs - session.createdAtMs() >= maxLifetimeMs;
  }

  /**
   * Not used on this node for the idle timeout: it may still have been used on another, so PostgreSQL
   * decides (a miss-like request to the session verticle).
   */
  public boolean idleHere(CachedSession session, long nowMs) {
    return idleTimeoutMs != 0 && nowMs - session.lastUsedMs() >= idleTimeoutMs;
  }

  /** Records an accepted use at {@code nowMs}; nothing when no idle timeout applies. */
  public void used(CachedSession session, long nowMs) {
    if (idleTimeoutMs != 0) {
      session.used(nowMs);
    }
  }

  /**
   * The earliest time (epoch ms) the session may stop being accepted if it is not used again after
   * {@code lastUseMs}: its creation plus the maximum lifetime, or its last use plus the idle timeout,
   * whichever comes first. {@code null} when no lifetime applies.
   */
  public Long expiresAtMs(long createdAtMs, long lastUseMs) {
    if (maxLifetimeMs == 0 && idleTimeoutMs == 0) {
      return null;
    }
    long byMax = maxLifetimeMs == 0 ? Long.MAX_VALUE : createdAtMs + maxLifetimeMs;
    long byIdle = idleTimeoutMs == 0 ? Long.MAX_VALUE : lastUseMs + idleTimeoutMs;
    return Math.min(byMax, byIdle);
  }
}
