package io.latchkey.login;

/** Login input that is malformed (answered 400, nothing stored); the message says what, for the caller. */
public final class InvalidLoginException extends IllegalArgumentException {

  public InvalidLoginException(String message) {
    super(message);
  }
}
