package io.latchkey.session.impl;

/** Every SQL statement of the session store, in one place. Names resolve in the service's schema. */
final class SessionQueries {

  private SessionQueries() {}

  static final String PING = "SELECT 1";

  static final String DATABASE_NOW = "SELECT clock_timestamp() AS now";

  private static final String COLUMNS =
      "session_id, account_id, client_public_key, status, device, created_at, last_seen_at, revoked_at";

  /**
   * A session for an active account; no row when the account is missing or disabled. FOR KEY SHARE (the lock
   * the foreign key takes anyway) queues this behind a disable or delete holding the account's row lock FOR
   * UPDATE, and PostgreSQL then re-checks the status on the row as that transaction left it: a create racing
   * a disable either commits first (and the disable revokes its session) or inserts nothing.
   */
  static final String INSERT = """
      INSERT INTO sessions (session_id, account_id, token_hash, client_public_key, device)
      SELECT $1, account_id, $3, $4, $5 FROM accounts WHERE account_id = $2 AND status = 'active' FOR KEY SHARE
      RETURNING""" + " " + COLUMNS;

  /**
   * The identity's account and the session insert in one statement (unique index on identities (kind,
   * subject)); no row when no account has the identity, or its account is disabled (locked as in
   * {@link #INSERT}).
   */
  static final String INSERT_FOR_IDENTITY = """
      INSERT INTO sessions (session_id, account_id, token_hash, client_public_key, device)
      SELECT $1, a.account_id, $4, $5, $6
        FROM identities i JOIN accounts a ON a.account_id = i.account_id
       WHERE i.kind = $2 AND i.subject = $3 AND a.status = 'active'
         FOR KEY SHARE OF a
      RETURNING""" + " " + COLUMNS;

  /**
   * Many sessions in one statement, so in one transaction and one commit (the group commit of concurrent
   * creates): each input row names its account by id, or by an identity ({@code kind}, {@code subject}) whose
   * account it finds as {@link #INSERT_FOR_IDENTITY} does. A row whose account is missing or disabled, or whose
   * identity no account has, inserts nothing and is absent from the result; the account rows are locked as in
   * {@link #INSERT}.
   */
  static final String INSERT_ALL = """
      INSERT INTO sessions (session_id, account_id, token_hash, client_public_key, device)
      SELECT v.session_id, a.account_id, v.token_hash, v.client_public_key, v.device
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bytea[], $6::bytea[], $7::text[])
             AS v(session_id, account_id, kind, subject, token_hash, client_public_key, device)
        LEFT JOIN identities i ON v.account_id IS NULL AND i.kind = v.kind AND i.subject = v.subject
        JOIN accounts a ON a.account_id = coalesce(v.account_id, i.account_id) AND a.status = 'active'
         FOR KEY SHARE OF a
      RETURNING""" + " " + COLUMNS;

  /** Why an {@link #INSERT} inserted nothing: no row, or the status. */
  static final String ACCOUNT_STATUS = "SELECT status FROM accounts WHERE account_id = $1";

  /** The account's row lock, taken first by a disable or delete: creations of the account queue behind it. */
  static final String LOCK_ACCOUNT = "SELECT status FROM accounts WHERE account_id = $1 FOR UPDATE";

  static final String DISABLE_ACCOUNT = "UPDATE accounts SET status = 'disabled' WHERE account_id = $1";

  /** An admin action's audit event (revocations write theirs by trigger, V4). */
  static final String AUDIT = """
      INSERT INTO audit_events (actor, action, account_id, reason) VALUES ($1, $2, $3, $4)""";

  /**
   * What the deletion trigger (V4) records as the reason and actor of each active session it logs, and that the
   * transaction removes every session of the account {@code $3} (V6: its log entries are account-wide).
   */
  static final String DELETION_CAUSE = """
      SELECT set_config('latchkey.revoked_reason', $1, true), set_config('latchkey.revoked_by', $2, true),
             set_config('latchkey.revoked_account', $3::uuid::text, true)""";

  /** Index sessions_account_id_idx; the active ones come back for the broadcast. */
  static final String DELETE_SESSIONS_OF_ACCOUNT = """
      DELETE FROM sessions WHERE account_id = $1
      RETURNING session_id, account_id, token_hash, status, clock_timestamp() AS revoked_at""";

  static final String DELETE_IDENTITIES_OF_ACCOUNT = "DELETE FROM identities WHERE account_id = $1";

  static final String DELETE_ACCOUNT = "DELETE FROM accounts WHERE account_id = $1";

  /** Unique index sessions_token_hash_key. */
  static final String FIND_BY_HASH = "SELECT " + COLUMNS + " FROM sessions WHERE token_hash = $1";

  /** Primary key. */
  static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM sessions WHERE session_id = $1";

  /** Primary key. */
  static final String FIND_KEYED_BY_ID = "SELECT token_hash, " + COLUMNS + " FROM sessions WHERE session_id = $1";

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

  /** RFC 7009 revocation: by the token's hash (unique index sessions_token_hash_key), only an active one. */
  static final String REVOKE_BY_HASH = """
      UPDATE sessions
         SET status = 'revoked', revoked_at = clock_timestamp(), revoked_reason = $2, revoked_by = $3
       WHERE token_hash = $1 AND status = 'active'
      RETURNING session_id, account_id, token_hash, revoked_at""";

  /**
   * Every active session of account {@code $1} but {@code $2} (none when null). Keeping none, it first declares
   * the transaction account-wide for the log's trigger (V6: {@code latchkey.revoked_account}); the setting is
   * made in a materialised CTE joined in, so it is in place before the row triggers run at the statement's end.
   */
  static final String REVOKE_ALL = """
      WITH scope AS MATERIALIZED (
           SELECT set_config('latchkey.revoked_account', CASE WHEN $2::uuid IS NULL THEN $1::uuid::text ELSE '' END,
                             true) AS account)
      UPDATE sessions
         SET status = 'revoked', revoked_at = clock_timestamp(), revoked_reason = $3, revoked_by = $4
        FROM scope
       WHERE account_id = $1 AND status = 'active' AND ($2::uuid IS NULL OR session_id <> $2)
      RETURNING session_id, account_id, token_hash, revoked_at""";

  static final String TOUCH_LAST_SEEN = """
      UPDATE sessions AS s
         SET last_seen_at = v.seen
        FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, seen)
       WHERE s.session_id = v.id AND (s.last_seen_at IS NULL OR s.last_seen_at < v.seen)""";

  /**
   * Index revocation_log_revoked_at_idx; one row with null session columns when nothing matches. The log
   * (V4) keeps revocations of sessions since deleted, so an erasure is caught up like any revocation.
   */
  static final String REVOKED_AFTER = """
      SELECT r.session_id, r.account_id, r.token_hash, r.revoked_at, now.t AS database_now
        FROM (SELECT clock_timestamp() AS t) now
        LEFT JOIN LATERAL (
             SELECT session_id, account_id, token_hash, revoked_at
               FROM revocation_log
              WHERE revoked_at > $1
              ORDER BY revoked_at
              LIMIT $2) r ON true""";

  /**
   * Index revocation_log_revoked_at_idx: at most $2 entries older than $1 seconds, and in the same transaction
   * the stream's horizon (V6) moved up to the largest position deleted, so a reader whose cursor is below it is
   * told to reset rather than silently miss them. One row: how many were deleted.
   */
  static final String PRUNE_REVOCATION_LOG = """
      WITH gone AS (
           DELETE FROM revocation_log
            WHERE seq IN (SELECT seq FROM revocation_log
                           WHERE revoked_at < clock_timestamp() - make_interval(secs => $1)
                           ORDER BY revoked_at
                           LIMIT $2)
           RETURNING xid, seq),
           horizon AS (
           UPDATE revocation_horizon h SET xid = g.xid, seq = g.seq
             FROM (SELECT xid, seq FROM gone ORDER BY xid DESC, seq DESC LIMIT 1) g
            WHERE (g.xid, g.seq) > (h.xid, h.seq))
      SELECT count(*) AS deleted FROM gone""";

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
