package io.latchkey.login;

/**
 * Why a login did not end in a session, each with the HTTP status and problem name it is answered with
 * ({@code urn:latchkey:problem:<name>}).
 */
public enum LoginFailure {
  /** A wrong code; the challenge still takes {@link LoginException#attemptsLeft()} guesses. */
  CODE_INVALID(401, "code-invalid", "Wrong code"),
  /** The challenge is expired, used, superseded by a newer one, out of guesses, or unknown. */
  CODE_EXPIRED(401, "code-expired", "Code expired"),
  /** The Telegram payload's hash or signature does not verify. */
  TELEGRAM_INVALID(401, "telegram-invalid", "Telegram data does not verify"),
  /** The Telegram payload's {@code auth_date} is older than {@code TELEGRAM_AUTH_MAX_AGE_SECONDS}. */
  TELEGRAM_STALE(401, "telegram-stale", "Telegram data is stale"),
  /** The Telegram payload has signed in before. */
  TELEGRAM_REPLAYED(401, "telegram-replayed", "Telegram data already used"),
  /** This identity started too many logins on this node lately. */
  RATE_LIMITED(429, "rate-limited", "Too many requests"),
  /** The node lacks the configuration this login method needs. */
  METHOD_UNAVAILABLE(503, "login-method-unavailable", "Login method unavailable"),
  /** The mail with the code could not be handed to the mail server (or written to the outbox). */
  MAIL_UNAVAILABLE(503, "mail-unavailable", "Mail unavailable"),
  /** PostgreSQL did not answer. */
  UNAVAILABLE(503, "unavailable", "Service unavailable");

  private final int status;
  private final String problem;
  private final String title;

  LoginFailure(int status, String problem, String title) {
    this.status = status;
    this.problem = problem;
    this.title = title;
  }

  public int status() {
    return status;
  }

  /** The problem name: the last segment of its type URN. */
  public String problem() {
    return problem;
  }

  public String title() {
    return title;
  }
}
