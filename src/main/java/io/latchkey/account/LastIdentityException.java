package io.latchkey.account;

/** Unlinking would leave the account without an identity, and so without a way to sign in. */
public final class LastIdentityException extends RuntimeException {

  public LastIdentityException() {
    super("the identity is the account's last one", null, false, false);
  }
}
