package io.latchkey.account.impl;

/** Every SQL statement of the account store, in one place. Names resolve in the service's schema. */
final class AccountQueries {

  private AccountQueries() {}

  static final String OWNER_OF_IDENTITY =
      "SELECT account_id FROM identities WHERE kind = $1 AND subject = $2";

  static final String INSERT_ACCOUNT =
      "INSERT INTO accounts (account_id) VALUES ($1)";

  /** Returns no row when the identity already exists: the caller then reads the winner. */
  static final String INSERT_IDENTITY = """
      INSERT INTO identities (identity_id, account_id, kind, subject) VALUES ($1, $2, $3, $4)
      ON CONFLICT (kind, subject) DO NOTHING
      RETURNING account_id""";

  static final String ACCOUNT_WITH_IDENTITIES = """
      SELECT a.account_id, a.status, a.created_at, i.kind, i.subject
        FROM accounts a
        LEFT JOIN identities i ON i.account_id = a.account_id
       WHERE a.account_id = $1
       ORDER BY i.created_at, i.identity_id""";

  static final String ACCOUNT_WITH_IDENTITIES_BY_IDENTITY = """
      SELECT a.account_id, a.status, a.created_at, i.kind, i.subject
        FROM accounts a
        LEFT JOIN identities i ON i.account_id = a.account_id
       WHERE a.account_id = (SELECT account_id FROM identities WHERE kind = $1 AND subject = $2)
       ORDER BY i.created_at, i.identity_id""";

  /** The account's row lock: link, unlink and the lifecycle's writes of one account take it in this order. */
  static final String LOCK_ACCOUNT = "SELECT status FROM accounts WHERE account_id = $1 FOR UPDATE";

  static final String IDENTITIES_OF_ACCOUNT =
      "SELECT kind, subject FROM identities WHERE account_id = $1";

  static final String DELETE_IDENTITY =
      "DELETE FROM identities WHERE account_id = $1 AND kind = $2 AND subject = $3";

  static final String ENABLE = "UPDATE accounts SET status = 'active' WHERE account_id = $1";

  /** Every admin action's event; revocations write theirs by trigger (V4). */
  static final String AUDIT = """
      INSERT INTO audit_events (actor, action, account_id, reason) VALUES ($1, $2, $3, $4)""";

  /** Primary key: a page of accounts ($2 is the page size plus one, to know whether another follows). */
  static final String LIST = """
      SELECT a.account_id, a.status, a.created_at, i.kind, i.subject
        FROM (SELECT account_id, status, created_at FROM accounts
               WHERE account_id > $1 ORDER BY account_id LIMIT $2) a
        LEFT JOIN identities i ON i.account_id = a.account_id
       ORDER BY a.account_id, i.created_at, i.identity_id""";

  private static final String AUDIT_COLUMNS = "event_id, occurred_at, actor, action, account_id, session_id, reason";

  /** Primary key. */
  static final String AUDIT_PAGE = "SELECT " + AUDIT_COLUMNS
      + " FROM audit_events WHERE event_id > $1 ORDER BY event_id LIMIT $2";

  /** Index audit_events_account_idx (account_id, event_id). */
  static final String AUDIT_PAGE_OF_ACCOUNT = "SELECT " + AUDIT_COLUMNS
      + " FROM audit_events WHERE account_id = $1 AND event_id > $2 ORDER BY event_id LIMIT $3";
}
