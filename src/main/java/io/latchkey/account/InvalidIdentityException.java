package io.latchkey.account;

/** An identity that cannot be accepted; the message says why, for the caller (it is not secret). */
public final class InvalidIdentityException extends IllegalArgumentException {

  public InvalidIdentityException(String message) {
    super(message);
  }
}
