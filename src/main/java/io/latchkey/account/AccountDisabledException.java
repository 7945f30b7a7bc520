package io.latchkey.account;

/** The account is disabled: no session may be created for it until it is enabled again. */
public final class AccountDisabledException extends RuntimeException {

  public AccountDisabledException() {
    super("the account is disabled", null, false, false);
  }
}
