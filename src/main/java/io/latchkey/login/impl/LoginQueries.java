package io.latchkey.login.impl;

/** Every statement of the login store, in one place; each is an index lookup (MigrationsIT checks the plans). */
final class LoginQueries {

  private LoginQueries() {}

  /** Serialises the challenges of one address, on every node, until the transaction ends. */
  static final String LOCK_ADDRESS = "SELECT pg_advisory_xact_lock(hashtextextended('latchkey.login:' || $1, 0))";

  /** Only the newest challenge of an address takes guesses. */
  static final String SUPERSEDE = """
      UPDATE login_challenges SET closed_at = now(), closed_reason = 'superseded'
       WHERE email = $1 AND closed_at IS NULL""";

  /**
   * The address's challenges of the past hour, and their wrong guesses since its last successful login: what
   * a new challenge may still take.
   */
  static final String RECENT = """
      WITH recent AS (
        SELECT created_at, wrong_guesses, closed_reason FROM login_challenges
         WHERE email = $1 AND created_at > now() - interval '1 hour')
      SELECT (SELECT count(*) FROM recent) AS challenges,
             (SELECT coalesce(sum(wrong_guesses), 0) FROM recent
               WHERE created_at > (SELECT coalesce(max(created_at), '-infinity') FROM recent
                                    WHERE closed_reason = 'used')) AS wrong_guesses""";

  static final String INSERT = """
      INSERT INTO login_challenges (challenge_id, email, code_hash, max_guesses, expires_at)
      VALUES ($1, $2, $3, $4, $5)""";

  /**
   * One guess, counted whatever its outcome, in one statement: the row lock makes concurrent guesses
   * queue, and each re-checks the budget after the one before it. No row: expired, used, superseded, out
   * of guesses, or unknown.
   */
  static final String GUESS = """
      UPDATE login_challenges
         SET wrong_guesses = wrong_guesses + CASE WHEN code_hash = $2 THEN 0 ELSE 1 END,
             closed_at = CASE WHEN code_hash = $2 THEN now() END,
             closed_reason = CASE WHEN code_hash = $2 THEN 'used' END
       WHERE challenge_id = $1 AND closed_at IS NULL AND expires_at > now() AND wrong_guesses < max_guesses
      RETURNING email, closed_at IS NOT NULL AS matched, max_guesses - wrong_guesses AS attempts_left""";

  /** A challenge whose mail could not be sent: nobody has its code. */
  static final String DISCARD = "DELETE FROM login_challenges WHERE challenge_id = $1";

  /** A few challenges past every window, per write: the table holds about an hour of challenges. */
  static final String PURGE_CHALLENGES = """
      DELETE FROM login_challenges WHERE challenge_id IN (
        SELECT challenge_id FROM login_challenges WHERE expires_at < now() - interval '1 hour'
         LIMIT 16 FOR UPDATE SKIP LOCKED)""";

  /** No row back: the payload signed in before. */
  static final String SPEND_TELEGRAM = """
      INSERT INTO telegram_logins (payload_hash, stale_at) VALUES ($1, $2)
      ON CONFLICT (payload_hash) DO NOTHING RETURNING payload_hash""";

  static final String PURGE_TELEGRAM = """
      DELETE FROM telegram_logins WHERE payload_hash IN (
        SELECT payload_hash FROM telegram_logins WHERE stale_at < now() LIMIT 16 FOR UPDATE SKIP LOCKED)""";
}
