package io.latchkey.gateway;

/**
 * The seed's {@code ErrNotFound}: latchkey knows no session with this id (the record answered 404, or the id is
 * not a session id at all). A gateway rejects the request as unauthenticated (401).
 */
public final class SessionNotFoundException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SessionNotFoundException(String message) {
    // no stack trace: an unknown keyid is an everyday event, possibly driven by an attacker
    super(message, null, false, false);
  }
}
