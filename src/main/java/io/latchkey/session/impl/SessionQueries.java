package io.latchkey.session.impl;

/** Every SQL statement of the session store, in one place. Names resolve in the service's schema. */
final class SessionQueries {

  private SessionQueries() {}

  static final String PING = "SELECT 1";

  static final String DATABASE_NOW = "SELECT clock_timestamp() AS now";

  private static final String COLUMNS =
      "session_id, account_id, client_public_key, status, device, created_at, last_seen_at, revoked_at";

  static final String INSERT = """
      INSERT INTO sessions (session_id, account_id, token_hash, client_public_key, device)
      VALUES ($1, $2, $3, $4, $5)
      RETURNING""" + " " + COLUMNS;

  /**
   * The identity's account and the session insert in one statement (unique index on identities (kind,
   * subject)); no row when no account has the identity.
   */
  static final String INSERT_FOR_IDENTITY = """
      INSERT INTO sessions (session_id, account_id, token_hash, client_public_key, device)
      SELECT $1, account_id, $4, $5, $6 FROM identities WHERE kind = $2 AND subject = $3
      RETURNING""" + " " + COLUMNS;

  /** Unique index sessions_token_hash_key. */
  static final String FIND_BY_HASH = "SELECT " + COLUMNS + " FROM sessions WHERE token_hash = $1";

  /** Primary key. */
  static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM sessions WHERE session_id = $1";

  /** Index sessions_account_id_idx (account_id, created_at DESC). */
  static final String LIST_BY_ACCOUNT = "SELECT " + COLUMNS + """
       FROM sessions
      WHERE account_id = $1 AND ($2 = false OR status = 'active')
      ORDER BY created_at DESC, session_id DESC""";

  static final String REVOKE = """
      UPDATE sessions
         SET status = 'revoked', revoked_at = clock_timestamp(), revoked_reason = $3, revoked_by = $4
       WHERE session_id = $1 AND status = 'active' AND ($2::uuid IS NULL OR account_id = $2)
      RETURNING session_id, account_id, token_hash, revoked_at""";

  static final String REVOKE_ALL = """
      UPDATE sessions
         SET status = 'revoked', revoked_at = clock_timestamp(), revoked_reason = $3, revoked_by = $4
       WHERE account_id = $1 AND status = 'active' AND ($2::uuid IS NULL OR session_id <> $2)
      RETURNING session_id, account_id, token_hash, revoked_at""";

  static final String TOUCH_LAST_SEEN = """
      UPDATE sessions AS s
         SET last_seen_at = v.seen
        FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, seen)
       WHERE s.session_id = v.id AND (s.last_seen_at IS NULL OR s.last_seen_at < v.seen)""";

  /** Index sessions_revoked_at_idx; one row with null session columns when nothing matches. */
  static final String REVOKED_AFTER = """
      SELECT r.session_id, r.account_id, r.token_hash, r.revoked_at, now.t AS database_now
        FROM (SELECT clock_timestamp() AS t) now
        LEFT JOIN LATERAL (
             SELECT session_id, account_id, token_hash, revoked_at
               FROM sessions
              WHERE revoked_at > $1
              ORDER BY revoked_at
              LIMIT $2) r ON true""";

  /** Index sessions_active_recency_idx. */
  static final String STREAM_ACTIVE = """
      SELECT session_id, account_id, token_hash, client_public_key, created_at,
             coalesce(last_seen_at, created_at) AS last_used_at
        FROM sessions
       WHERE status = 'active'
       ORDER BY coalesce(last_seen_at, created_at) DESC
       LIMIT $1""";

  private static final String EXPIRE_SET =
      " SET status = 'revoked', revoked_at = clock_timestamp(), revoked_reason = 'expired', revoked_by = 'system'";

  /**
   * The expiry sweep: a page of active sessions past a lifetime, revoked (reason {@code expired}, by
   * {@code system}). Parameters: the maximum lifetime in ms if {@code max}, then the idle threshold in ms if
   * {@code idle}, then the page size. Rows another transaction holds are skipped (a sweep on another node,
   * a last-seen write): nodes sweeping at once neither wait for nor repeat each other. Indexes
   * sessions_active_created_at_idx and sessions_active_recency_idx.
   */
  static String expire(boolean max, boolean idle) {
    return """
        WITH due AS (
             SELECT session_id FROM sessions
              WHERE status = 'active' AND (%s)
              LIMIT $%d
                FOR UPDATE SKIP LOCKED)
        UPDATE sessions AS s""".formatted(duePredicate(max, idle, 1), (max ? 1 : 0) + (idle ? 1 : 0) + 1)
        + EXPIRE_SET + """

          FROM due
         WHERE s.session_id = due.session_id
        RETURNING s.session_id, s.account_id, s.token_hash, s.revoked_at""";
  }

  /**
   * One session revoked as expired if it is past a lifetime, with its status as it was: {@code $1} the
   * session id, then the thresholds as in {@link #expire}. No row when there is no such session; a null
   * {@code revoked_at} when it was not due (or not active). Primary key.
   */
  static String expireOne(boolean max, boolean idle) {
    return """
        WITH was AS (SELECT status FROM sessions WHERE session_id = $1),
             expired AS (
             UPDATE sessions""" + EXPIRE_SET + """

              WHERE session_id = $1 AND status = 'active' AND (%s)
             RETURNING session_id, account_id, token_hash, revoked_at)
        SELECT was.status, expired.session_id, expired.account_id, expired.token_hash, expired.revoked_at
          FROM was LEFT JOIN expired ON true""".formatted(duePredicate(max, idle, 2));
  }

  private static String duePredicate(boolean max, boolean idle, int firstParameter) {
    if (!max && !idle) {
      throw new IllegalArgumentException("no lifetime applies");
    }
    String byMax = "created_at < now() - $" + firstParameter + "::bigint * interval '1 millisecond'";
    String byIdle = "coalesce(last_seen_at, created_at) < now() - $" + (firstParameter + (max ? 1 : 0))
        + "::bigint * interval '1 millisecond'";
    return max && idle ? byMax + " OR " + byIdle : max ? byMax : byIdle;
  }
}
