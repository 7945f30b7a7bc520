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
}
