package io.latchkey.http;

import io.latchkey.auth.Caller;
import io.latchkey.session.Actor;
import io.latchkey.session.Revocation;
import io.latchkey.session.SessionFailure;
import io.latchkey.session.SessionService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /api/v1/user}: a user acting on their own account, authenticated by their session token, by a
 * signature naming their device-bound session, or asserted by a gateway. A user can only see and revoke
 * their own sessions; anyone else's is 404. Also where reverse proxies ask whether a request may pass
 * ({@link ForwardAuth}).
 */
final class UserApi {

  private static final String KEEP_CURRENT = "keep_current";
  /** The validate route, mounted on the root router by {@link #mountMe}. */
  static final String ME = "/api/v1/user/me";

  private final SessionService sessions;

  private UserApi(SessionService sessions) {
    this.sessions = sessions;
  }

  /**
   * @param forwardAuth forward auth, which checks a device-bound session's signature against the original
   *     request its proxy describes, instead of against the check request as every other route does
   */
  static Router router(Vertx vertx, SessionService sessions, Handler<RoutingContext> authentication,
      Handler<RoutingContext> signatures, ForwardAuth forwardAuth) {
    UserApi api = new UserApi(sessions);
    Router router = Router.router(vertx);
    Routes routes = new Routes(router, "/api/v1/user");
    // first: these answer before the signature guard every other route passes
    for (String path : new String[] {"/auth", "/auth/*"}) {
      routes.any(path, authentication, forwardAuth::handle).failureHandler(forwardAuth::failed);
    }
    router.route().handler(authentication).handler(signatures);
    // a GET of /me never gets here (mountMe); the route stays for the other methods on the path, which the
    // tier answers 405 after its authentication as on any of its paths
    routes.get("/me", api::me);
    routes.get("/sessions", api::listSessions);
    routes.delete("/sessions/current", api::logOut);
    routes.delete("/sessions/:id", api::revokeOne);
    routes.delete("/sessions", api::logOutEverywhere);
    return router;
  }

  /**
   * {@code GET /api/v1/user/me}, the validate route and the service's hot path, on {@code root} itself: with
   * the tier's authentication and signature guard as its own first steps, it is the tier's route in every
   * way but the routing steps a request passes (the body steps, which a GET skips, and the tier's router).
   * Mount it after the tier's credential handler and before the tier's router.
   */
  static void mountMe(Router root, SessionService sessions, Handler<RoutingContext> authentication,
      Handler<RoutingContext> signatures) {
    UserApi api = new UserApi(sessions);
    new Routes(root, "").get(ME, List.of(authentication, signatures), api::me);
  }

  private void me(RoutingContext ctx) {
    User user = ctx.user();
    sessions.account(Caller.accountId(user)).onComplete(account -> {
      Buffer body;
      try {
        body = Wire.meBody(account, Caller.sessionId(user));
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, Replies.JSON).end(body);
    }, ctx::fail);
  }

  private void listSessions(RoutingContext ctx) {
    User user = ctx.user();
    Replies.json(ctx, 200, sessions.sessions(Caller.accountId(user), true),
        list -> Wire.userSessions(list, Caller.sessionId(user), sessions.lifetimes()));
  }

  private void logOut(RoutingContext ctx) {
    UUID current = currentSession(ctx.user());
    Replies.noContent(ctx, revoke(ctx.user(), current, "logout"));
  }

  /** 204 only when this call found an active session of the caller's; a revoked or foreign one is 404. */
  private void revokeOne(RoutingContext ctx) {
    UUID target = Inputs.pathUuid(ctx, "id");
    Replies.noContent(ctx, revoke(ctx.user(), target, "revoked-by-user").compose(reply -> reply.revokedNow()
        ? Future.succeededFuture(reply)
        : Future.failedFuture(new ProblemException(Problems.of(SessionFailure.SESSION_NOT_FOUND,
            "No active session of yours has this id.")))));
  }

  private void logOutEverywhere(RoutingContext ctx) {
    User user = ctx.user();
    UUID keep = keepCurrent(ctx) ? currentSession(user) : null;
    Replies.json(ctx, 200, sessions.revokeAll(Caller.accountId(user), keep, Actor.USER, "logout-everywhere"),
        revoked -> new JsonObject().put("revoked", revoked.size()));
  }

  /**
   * {@code keep_current} is a query parameter only, named in lower case, given at most once, {@code true} or
   * {@code false}; anything else (twice, another case, another value, a request body) is 400 before anything
   * is revoked: a request that could be read two ways must not revoke either way.
   */
  private static boolean keepCurrent(RoutingContext ctx) {
    if (ctx.body().length() > 0) {
      throw Inputs.invalid("This operation takes no body: keep_current is a query parameter.");
    }
    String value = null;
    for (Map.Entry<String, String> param : ctx.request().params()) {
      if (!param.getKey().equalsIgnoreCase(KEEP_CURRENT)) {
        continue;
      }
      if (!param.getKey().equals(KEEP_CURRENT)) {
        throw Inputs.invalid("The query parameter is spelt keep_current, in lower case.");
      }
      if (value != null) {
        throw Inputs.invalid("The query parameter keep_current may be given once.");
      }
      value = param.getValue();
    }
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw Inputs.invalid("The query parameter keep_current must be true or false.");
  }

  private Future<Revocation> revoke(User user, UUID sessionId, String reason) {
    return sessions.revoke(sessionId, Caller.accountId(user), Actor.USER, reason);
  }

  /** The session the request came with; a gateway-asserted user (X-User-ID) has none. */
  private static UUID currentSession(User user) {
    UUID current = Caller.sessionId(user);
    if (current == null) {
      throw Inputs.invalid("There is no current session: the request was made through X-User-ID.");
    }
    return current;
  }
}
