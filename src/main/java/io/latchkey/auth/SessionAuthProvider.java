package io.latchkey.auth;

import io.latchkey.session.CachedSession;
import io.latchkey.session.SessionFailure;
import io.latchkey.session.SessionService;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.handler.HttpException;
import java.util.Base64;

/**
 * Turns a bearer session token into a {@link User} by asking the local session verticle. An unknown,
 * revoked or malformed token fails with 401; a lookup that could not be answered (database down,
 * overload, timeout) fails with 503, never with a user: "can't check" is not "valid".
 */
public final class SessionAuthProvider implements AuthenticationProvider {

  private final SessionService sessions;

  public SessionAuthProvider(SessionService sessions) {
    this.sessions = sessions;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token)) {
      return Future.failedFuture(new HttpException(401, "A bearer session token is required."));
    }
    return sessions.lookup(token.getToken()).transform(result -> {
      if (result.succeeded()) {
        CachedSession session = result.result();
        byte[] key = session.clientPublicKey();
        return Future.succeededFuture(Caller.session(session.accountId(), session.sessionId(),
            key == null ? null : Base64.getEncoder().encodeToString(key)));
      }
      SessionFailure failure = SessionService.failureOf(result.cause());
      if (failure == SessionFailure.SESSION_NOT_FOUND) {
        return Future.failedFuture(new HttpException(401, "The session token is not valid."));
      }
      return Future.failedFuture(new HttpException(503, "The session could not be checked; retry shortly."));
    });
  }
}
