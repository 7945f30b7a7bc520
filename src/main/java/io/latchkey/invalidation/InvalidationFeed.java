package io.latchkey.invalidation;

import io.vertx.core.Future;

/**
 * A node's view of every revocation committed to PostgreSQL, in commit-safe order: the source of the
 * invalidation stream (SPEC §5c). One per node ({@link io.latchkey.invalidation.impl.FeedVerticle}); its
 * methods may be called from any thread and complete on the caller's context.
 *
 * <p><b>Where events come from.</b> The revocation log (migrations V4, V6) gets one entry per revoked or
 * deleted active session, by trigger, in the revoking transaction, whoever revokes (this service, an expiry
 * sweep, hand-written SQL). Entries are read in {@code (xid, seq)} order and only once their transaction has
 * finished ({@code xid} below the reading snapshot's {@code xmin}), which is what makes a {@link Cursor} safe
 * to resume from: a transaction that can still commit always has an {@code xid} at or above that bound. The
 * price: a long-running writing transaction anywhere in the database holds later entries back (delays them,
 * never loses them) until it ends.
 *
 * <p><b>When it reads.</b> The log's trigger notifies on commit ({@code NOTIFY latchkey_revocations}); the feed
 * listens on a connection of its own, and also reads every {@code REVOCATION_POLL_MS} in case a notification
 * was lost (a dropped connection), and again shortly when a finished read saw entries held back by an open
 * transaction. One read per wake-up per node, whatever the number of subscribers: each new {@link FeedView} is
 * published on {@link #VIEWS} and every HTTP verticle writes it to its own subscribers.
 */
public interface InvalidationFeed {

  /**
   * Local publish of every new {@link FeedView}, passed by reference (never encoded, never clustered). HTTP
   * verticles consume it on their own event loops.
   */
  String VIEWS = "latchkey.invalidations.view";

  /** The newest view, or {@code null} until the feed's first read succeeded. */
  FeedView view();

  /**
   * Whether the feed read the revocation log successfully within the last {@value #CURRENT_POLLS} poll
   * intervals ({@code REVOCATION_POLL_MS}; it reads at least once each). While it is not, its views may miss
   * what was committed since: streams get no heartbeat (their clients see silence, and reconnect or stop
   * trusting their caches), and {@link #read} answers from PostgreSQL only.
   */
  boolean current();

  /** Poll intervals without a successful read after which the feed is no longer {@link #current}. */
  int CURRENT_POLLS = 3;

  /**
   * Events after {@code after} (at most {@code limit}), from memory when the newest view covers the cursor,
   * else from PostgreSQL; from the head (no events) when {@code after} is {@code null}. A cursor of another
   * database, beyond anything this one issued, or older than the log's retention, gets a page of one
   * {@code reset} event whose id is the head.
   */
  Future<Page> read(Cursor after, int limit);

  /** The same, always from PostgreSQL: for a reader behind the newest view's floor. */
  Future<Page> readStored(Cursor after, int limit);

  /** Takes one of the node's stream subscriber places; {@code false} when all are taken. */
  boolean admit();

  /** Gives back a place {@link #admit} took. */
  void release();
}
