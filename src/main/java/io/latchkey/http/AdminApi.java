package io.latchkey.http;

import io.latchkey.account.Identity;
import io.latchkey.account.InvalidIdentityException;
import io.latchkey.auth.ApiKeyAuthProvider;
import io.latchkey.auth.Caller;
import io.latchkey.account.Account;
import io.latchkey.session.Actor;
import io.latchkey.session.SessionService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code /api/v1/admin}: operators holding an admin key inspect accounts and revoke sessions. */
final class AdminApi {

  private final SessionService sessions;

  private AdminApi(SessionService sessions) {
    this.sessions = sessions;
  }

  static Router router(Vertx vertx, SessionService sessions, ApiKeyAuthProvider keys) {
    AdminApi api = new AdminApi(sessions);
    Router router = Router.router(vertx);
    Guards.keyTier(router.route(), keys, Caller.ADMIN);
    Routes routes = new Routes(router, "/api/v1/admin");
    routes.get("/accounts", api::accountByIdentity);
    routes.get("/accounts/:id", api::accountById);
    routes.get("/accounts/:id/sessions", api::accountSessions);
    routes.post("/accounts/:id/sessions/revoke", api::revokeAccountSessions);
    routes.delete("/sessions/:id", api::revokeSession);
    return router;
  }

  private void accountById(RoutingContext ctx) {
    Replies.json(ctx, 200, account(Inputs.pathUuid(ctx, "id")), Wire::adminAccount);
  }

  private void accountByIdentity(RoutingContext ctx) {
    Identity identity;
    try {
      identity = Identity.parse(Inputs.requiredQuery(ctx, "kind"), Inputs.requiredQuery(ctx, "subject"));
    } catch (InvalidIdentityException e) {
      throw Inputs.invalid("Invalid identity: " + e.getMessage() + ".");
    }
    Replies.json(ctx, 200, sessions.account(identity), Wire::adminAccount);
  }

  private void accountSessions(RoutingContext ctx) {
    UUID accountId = Inputs.pathUuid(ctx, "id");
    Replies.json(ctx, 200, account(accountId).compose(found -> sessions.sessions(accountId, false)),
        list -> Wire.adminSessions(list, sessions.lifetimes()));
  }

  /** Idempotent: an already revoked session answers 204 as well; an unknown one 404. */
  private void revokeSession(RoutingContext ctx) {
    Replies.noContent(ctx, sessions.revoke(Inputs.pathUuid(ctx, "id"), null, Actor.ADMIN, "revoked-by-admin"));
  }

  private void revokeAccountSessions(RoutingContext ctx) {
    UUID accountId = Inputs.pathUuid(ctx, "id");
    Replies.json(ctx, 200, account(accountId).compose(found -> sessions.revokeAll(accountId, null, Actor.ADMIN,
        "revoked-by-admin")), revoked -> new JsonObject().put("revoked", revoked.size()));
  }

  private Future<Account> account(UUID accountId) {
    return sessions.account(accountId);
  }
}
