package io.latchkey.http;

import io.latchkey.auth.Caller;
import io.latchkey.session.SessionAddresses;
import io.latchkey.session.SessionClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code /api/v1/user}: a user acting on their own account, authenticated by their session token (or
 * asserted by a gateway). A user can only see and revoke their own sessions; anyone else's is 404.
 */
final class UserApi {

  private final SessionClient sessions;

  private UserApi(SessionClient sessions) {
    this.sessions = sessions;
  }

  static Router router(Vertx vertx, SessionClient sessions, Handler<RoutingContext> authentication,
      Handler<RoutingContext> signatures) {
    UserApi api = new UserApi(sessions);
    Router router = Router.router(vertx);
    router.route().handler(authentication).handler(signatures);
    Routes routes = new Routes(router, "/api/v1/user");
    routes.get("/me", api::me);
    routes.get("/sessions", api::listSessions);
    routes.delete("/sessions/current", api::logOut);
    routes.delete("/sessions/:id", api::revokeOne);
    routes.delete("/sessions", api::logOutEverywhere);
    return router;
  }

  private void me(RoutingContext ctx) {
    User user = ctx.user();
    Replies.json(ctx, 200, sessions.account(Caller.accountId(user)), a -> Wire.me(a, Caller.sessionId(user)));
  }

  private void listSessions(RoutingContext ctx) {
    User user = ctx.user();
    Future<JsonObject> list = sessions.call(SessionAddresses.LIST,
        new JsonObject().put("account_id", Caller.accountId(user).toString()).put("active_only", true));
    Replies.json(ctx, 200, list, reply -> {
      JsonArray out = new JsonArray();
      reply.getJsonArray("sessions").forEach(r -> out.add(Wire.userSession((JsonObject) r, Caller.sessionId(user))));
      return new JsonObject().put("sessions", out);
    });
  }

  private void logOut(RoutingContext ctx) {
    UUID current = currentSession(ctx.user());
    Replies.noContent(ctx, revoke(ctx.user(), current, "logout"));
  }

  /**
   * Idempotent: 204 when the session is the caller's and is revoked now, by this call or an earlier one (so
   * the retry of a call answered 503 gets the answer the call would have had); 404 when it is not theirs.
   */
  private void revokeOne(RoutingContext ctx) {
    Replies.noContent(ctx, revoke(ctx.user(), Inputs.pathUuid(ctx, "id"), "revoked-by-user"));
  }

  private void logOutEverywhere(RoutingContext ctx) {
    User user = ctx.user();
    JsonObject request = new JsonObject()
        .put("account_id", Caller.accountId(user).toString())
        .put("reason", "logout-everywhere")
        .put("by", "user");
    if (Inputs.queryFlag(ctx, "keep_current")) {
      request.put("keep_session_id", currentSession(user).toString());
    }
    Replies.json(ctx, 200, sessions.call(SessionAddresses.REVOKE_ALL, request),
        reply -> new JsonObject().put("revoked", reply.getInteger("revoked")));
  }

  private Future<JsonObject> revoke(User user, UUID sessionId, String reason) {
    return sessions.call(SessionAddresses.REVOKE, new JsonObject()
        .put("session_id", sessionId.toString())
        .put("account_id", Caller.accountId(user).toString())
        .put("reason", reason)
        .put("by", "user"));
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
