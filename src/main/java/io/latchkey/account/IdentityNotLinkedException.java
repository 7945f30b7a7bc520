package io.latchkey.account;

/** The account does not hold the identity. */
public final class IdentityNotLinkedException extends RuntimeException {

  public IdentityNotLinkedException() {
    super("the account does not hold this identity", null, false, false);
  }
}
