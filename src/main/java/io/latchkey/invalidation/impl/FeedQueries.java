package io.latchkey.invalidation.impl;

/** The invalidation feed's SQL, in one place. Names resolve in the service's schema. */
final class FeedQueries {

  private FeedQueries() {}

  /**
   * Up to {@code $3} log entries after the cursor {@code ($1, $2)} whose transaction has finished, in cursor
   * order, with what the reader needs to judge the cursor, all from one snapshot: the stream's id, the
   * retention horizon, the snapshot's xmin (every transaction below it has finished: the head) and xmax
   * (nothing at or above it was ever issued), and whether finished-but-undeliverable entries exist (committed
   * by a transaction at or above xmin, held back by an older one still open). One row with null entry columns
   * when no entry follows. Index revocation_log_xid_seq_idx, for the entries and (backwards, one row) for the
   * largest xid; the bounds are computed once, not per row.
   */
  static final String READ = """
      WITH b AS MATERIALIZED (
           SELECT pg_snapshot_xmin(snap) AS xmin, pg_snapshot_xmax(snap) AS xmax
             FROM (SELECT pg_current_snapshot() AS snap) s)
      SELECT h.stream_id,
             h.xid::text::bigint AS horizon_xid, h.seq AS horizon_seq,
             b.xmin::text::bigint AS snapshot_xmin, b.xmax::text::bigint AS snapshot_xmax,
             coalesce((SELECT max(xid) FROM revocation_log) >= b.xmin, false) AS held,
             r.xid::text::bigint AS xid, r.seq, r.revoked_at, r.session_id, r.account_id, r.token_hash, r.reason,
             r.account_wide
        FROM b CROSS JOIN revocation_horizon h
        LEFT JOIN LATERAL (
             SELECT xid, seq, revoked_at, session_id, account_id, token_hash, reason, account_wide
               FROM revocation_log
              WHERE (xid, seq) > ($1::bigint::text::xid8, $2::bigint) AND xid < b.xmin
              ORDER BY xid, seq
              LIMIT $3) r ON true
       ORDER BY r.xid, r.seq""";
}
