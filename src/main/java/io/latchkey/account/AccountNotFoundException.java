package io.latchkey.account;

/** No account has the given id. */
public final class AccountNotFoundException extends RuntimeException {

  public AccountNotFoundException() {
    super("no such account", null, false, false);
  }
}
