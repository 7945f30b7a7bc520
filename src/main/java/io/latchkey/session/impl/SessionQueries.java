package io.latchkey.session.impl;

/** Every SQL statement of the session store, in one place. Names resolve in the service's schema. */
final class SessionQueries {

  private SessionQueries() {}

  static final String PING = "SELECT 1";

  /** Served by sessions_active_recency_idx. */
  static final String STREAM_ACTIVE = """
      SELECT session_id, account_id, token_hash, client_public_key, created_at
        FROM sessions
       WHERE status = 'active'
       ORDER BY coalesce(last_seen_at, created_at) DESC
       LIMIT $1""";
}
