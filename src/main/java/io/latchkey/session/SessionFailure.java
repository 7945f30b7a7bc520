package io.latchkey.session;

/** Named failure codes the session verticle replies with ({@code ReplyException.failureCode()}). */
public enum SessionFailure {
  /** PostgreSQL did not answer, or answered with an error; the caller should fail closed (503). */
  DATABASE_UNAVAILABLE(1);

  private final int code;

  SessionFailure(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
