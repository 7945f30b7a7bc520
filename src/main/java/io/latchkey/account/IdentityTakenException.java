package io.latchkey.account;

/** The identity already belongs to another account. */
public final class IdentityTakenException extends RuntimeException {

  public IdentityTakenException() {
    super("the identity belongs to another account", null, false, false);
  }
}
