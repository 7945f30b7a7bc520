package io.latchkey.session;

import java.util.Optional;

/**
 * Named failure codes the session verticle replies with ({@code ReplyException.failureCode()}), with the
 * HTTP status each one means. The HTTP layer maps them in one place.
 */
public enum SessionFailure {
  /** PostgreSQL did not answer, or answered with an error: fail closed. */
  DATABASE_UNAVAILABLE(1, 503),
  /** No such session (or not one of the caller's), or the token is unknown, revoked or malformed. */
  SESSION_NOT_FOUND(2, 404),
  /** The request message is malformed; the reply message says what is wrong. */
  INVALID_REQUEST(3, 400),
  /** The identity already belongs to another account. */
  IDENTITY_TAKEN(4, 409),
  /** No such account. */
  ACCOUNT_NOT_FOUND(5, 404),
  /** Too many cache misses are already waiting for the database: shed instead of queueing. */
  OVERLOADED(6, 503),
  /** The account is disabled: no session may be created for it. */
  ACCOUNT_DISABLED(7, 403),
  /** Unlinking would leave the account without an identity. */
  LAST_IDENTITY(8, 409),
  /** The account does not hold the identity. */
  IDENTITY_NOT_FOUND(9, 404);

  private final int code;
  private final int httpStatus;

  SessionFailure(int code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public int code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public static Optional<SessionFailure> fromCode(int code) {
    for (SessionFailure failure : values()) {
      if (failure.code == code) {
        return Optional.of(failure);
      }
    }
    return Optional.empty();
  }
}
