package io.latchkey.http;

import io.latchkey.account.Identity;
import io.latchkey.account.InvalidIdentityException;
import io.latchkey.auth.ApiKeyAuthProvider;
import io.latchkey.auth.Caller;
import io.latchkey.session.SessionAddresses;
import io.latchkey.session.SessionClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code /api/v1/admin}: operators holding an admin key inspect accounts and revoke sessions. */
final class AdminApi {

  private final SessionClient sessions;

  private AdminApi(SessionClient sessions) {
    this.sessions = sessions;
  }

  static Router router(Vertx vertx, SessionClient sessions, ApiKeyAuthProvider keys) {
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
    Future<JsonObject> account = sessions.call(SessionAddresses.ACCOUNT_GET,
        new JsonObject().put("identity", identity.toJson()));
    Replies.json(ctx, 200, account, Wire::adminAccount);
  }

  private void accountSessions(RoutingContext ctx) {
    UUID accountId = Inputs.pathUuid(ctx, "id");
    Future<JsonObject> list = account(accountId).compose(found -> sessions.call(SessionAddresses.LIST,
        new JsonObject().put("account_id", accountId.toString()).put("active_only", false)));
    Replies.json(ctx, 200, list, reply -> {
      JsonArray out = new JsonArray();
      reply.getJsonArray("sessions").forEach(r -> out.add(Wire.adminSession((JsonObject) r)));
      return new JsonObject().put("sessions", out);
    });
  }

  /** Idempotent: an already revoked session answers 204 as well; an unknown one 404. */
  private void revokeSession(RoutingContext ctx) {
    Replies.noContent(ctx, sessions.call(SessionAddresses.REVOKE, new JsonObject()
        .put("session_id", Inputs.pathUuid(ctx, "id").toString())
        .put("reason", "revoked-by-admin")
        .put("by", "admin")));
  }

  private void revokeAccountSessions(RoutingContext ctx) {
    UUID accountId = Inputs.pathUuid(ctx, "id");
    Future<JsonObject> revoked = account(accountId).compose(found -> sessions.call(SessionAddresses.REVOKE_ALL,
        new JsonObject().put("account_id", accountId.toString()).put("reason", "revoked-by-admin").put("by", "admin")));
    Replies.json(ctx, 200, revoked, reply -> new JsonObject().put("revoked", reply.getInteger("revoked")));
  }

  private Future<JsonObject> account(UUID accountId) {
    return sessions.call(SessionAddresses.ACCOUNT_GET, new JsonObject().put("account_id", accountId.toString()));
  }
}
