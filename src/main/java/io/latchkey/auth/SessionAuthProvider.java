package io.latchkey.auth;

import io.latchkey.session.CachedSession;
import io.latchkey.session.SessionFailure;
import io.latchkey.session.SessionService;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.handler.HttpException;
import java.util.Base64;

/**
 * Turns a bearer session token ({@link TokenCredentials}), or the session id a request signature names
 * ({@link KeyIdCredentials}, SPEC §6 signature alone), into a {@link User} by asking the local session
 * verticle. An unknown, revoked or malformed token, and an id that names no active device-bound session,
 * fail with 401; a lookup that could not be answered (database down, overload, timeout) fails with 503,
 * never with a user: "can't check" is not "valid". A user found by id is only who the signature claims to
 * be until the signature guard has verified it with the session's key.
 */
public final class SessionAuthProvider implements AuthenticationProvider {

  private final SessionService sessions;

  public SessionAuthProvider(SessionService sessions) {
    this.sessions = sessions;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (credentials instanceof TokenCredentials token) {
      return sessions.lookup(token.getToken()).transform(result -> user(result, false,
          "The session token is not valid."));
    }
    if (credentials instanceof KeyIdCredentials keyId) {
      return sessions.deviceSession(keyId.sessionId()).transform(result -> user(result, true,
          "The signature's keyid names no active device-bound session."));
    }
    return Future.failedFuture(new HttpException(401, "A bearer session token is required."));
  }

  private static Future<User> user(AsyncResult<CachedSession> result, boolean signatureAlone, String notFound) {
    if (result.succeeded()) {
      CachedSession session = result.result();
      byte[] key = session.clientPublicKey();
      if (signatureAlone && key == null) {
        return Future.failedFuture(new HttpException(401, notFound));
      }
      return Future.succeededFuture(Caller.session(session.accountId(), session.sessionId(),
          key == null ? null : Base64.getEncoder().encodeToString(key), signatureAlone));
    }
    SessionFailure failure = SessionService.failureOf(result.cause());
    if (failure == SessionFailure.SESSION_NOT_FOUND) {
      return Future.failedFuture(new HttpException(401, notFound));
    }
    return Future.failedFuture(new HttpException(503, "The session could not be checked; retry shortly."));
  }
}
