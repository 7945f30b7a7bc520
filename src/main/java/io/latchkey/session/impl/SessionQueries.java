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

  /** RFC 7009 revocation: by the token's hash (unique index sessions_token_hash_key), only an active one. */
  static final String REVOKE_BY_HASH = """
      UPDATE sessions
         SET status = 'revoked', revoked_at = clock_timestamp(), revoked_reason = $2, revoked_by = $3
       WHERE token_hash = $1 AND status = 'active'
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
      SELECT session_id, account_id, token_hash, client_public_key, created_at
        FROM sessions
       WHERE status = 'active'
       ORDER BY coalesce(last_seen_at, created_at) DESC
       LIMIT $1""";
}
