package io.latchkey.login;

/**
 * A login that did not end in a session. The message is meant for the caller and never carries a code,
 * an address or a payload.
 */
public final class LoginException extends RuntimeException {

  private final LoginFailure failure;
  private final int attemptsLeft;
  private final long retryAfterSeconds;

  private LoginException(LoginFailure failure, String message, int attemptsLeft, long retryAfterSeconds) {
    super(message, null, false, false);
    this.failure = failure;
    this.attemptsLeft = attemptsLeft;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static LoginException of(LoginFailure failure, String message) {
    return new LoginException(failure, message, -1, 0);
  }

  public static LoginException codeInvalid(int attemptsLeft) {
    return new LoginException(LoginFailure.CODE_INVALID, "The code is not the one that was sent."
        + (attemptsLeft == 0 ? " No guesses are left: request a new code." : ""), attemptsLeft, 0);
  }

  public static LoginException rateLimited(long retryAfterSeconds) {
    return new LoginException(LoginFailure.RATE_LIMITED, "Too many logins for this identity. Retry after "
        + retryAfterSeconds + " second" + (retryAfterSeconds == 1 ? "" : "s") + ".", -1, retryAfterSeconds);
  }

  public LoginFailure failure() {
    return failure;
  }

  /** Guesses the challenge still takes ({@link LoginFailure#CODE_INVALID} only; -1 otherwise). */
  public int attemptsLeft() {
    return attemptsLeft;
  }

  /** When to retry ({@link LoginFailure#RATE_LIMITED} only; 0 otherwise). */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
