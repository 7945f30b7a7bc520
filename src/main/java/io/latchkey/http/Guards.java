package io.latchkey.http;

import io.latchkey.auth.ApiKeyAuthProvider;
import io.latchkey.auth.Caller;
import io.latchkey.auth.SessionAuthProvider;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthorizationHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The authentication and authorisation handlers each tier chains first. All credentials arrive as
 * {@code Authorization: Bearer <credential>}; the providers (vertx-auth-common) decide what they are.
 */
final class Guards {

  static final String USER_ID_HEADER = "X-User-ID";
  private static final String BEARER = "bearer ";

  private Guards() {}

  /**
   * User routes: a bearer session token, or a trusted gateway's {@code X-User-ID} together with an
   * internal key. {@code X-User-ID} from anyone else is rejected (an admin key: 403; anything else: 401),
   * never trusted.
   */
  static Handler<RoutingContext> user(SessionAuthProvider sessions, ApiKeyAuthProvider keys) {
    return SimpleAuthenticationHandler.create().authenticate(ctx -> guarded(() -> {
      String credential = bearer(ctx);
      String asserted = ctx.request().getHeader(USER_ID_HEADER);
      if (asserted == null) {
        return sessions.authenticate(new TokenCredentials(credential));
      }
      if (keys.isInternalKey(credential)) {
        try {
          return Future.succeededFuture(Caller.gateway(UUID.fromString(Inputs.canonicalUuid(asserted))));
        } catch (IllegalArgumentException e) {
          // the authentication handler keeps an HttpException's status, so the 400 survives it
          return Future.failedFuture(new HttpException(400, "The X-User-ID header must be an account id (a UUID)."));
        }
      }
      if (keys.isAdminKey(credential)) {
        return Future.failedFuture(new HttpException(403, "X-User-ID is honoured only with an internal key."));
      }
      return Future.<User>failedFuture(new HttpException(401, "X-User-ID is honoured only with an internal key."));
    }));
  }

  /** Internal or admin routes: a key of the tier's family; the other family's key is 403. */
  static void keyTier(Route route, ApiKeyAuthProvider keys, String family) {
    route.handler(SimpleAuthenticationHandler.create()
            .authenticate(ctx -> guarded(() -> keys.authenticate(new TokenCredentials(bearer(ctx))))))
        .handler(AuthorizationHandler.create(RoleBasedAuthorization.create(family)).addAuthorizationProvider(keys));
  }

  /** Runs an authentication step, turning what it throws into a failed future for the handler. */
  private static Future<User> guarded(Supplier<Future<User>> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * The credential of an {@code Authorization: Bearer …} header: every tier reads its credentials here.
   *
   * @throws HttpException 401 when the header is missing or uses another scheme; 400 when there are two (which
   *     one counts would depend on who reads them: a proxy in front may have checked the other)
   */
  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      throw new HttpException(401, "Credentials are required: Authorization: Bearer <credential>.");
    }
    if (ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION).size() > 1) {
      throw new HttpException(400, "Send one Authorization header, not several.");
    }
    if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new HttpException(401, "The Authorization header must use the Bearer scheme.");
    }
    return header.substring(BEARER.length()).trim();
  }
}
