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

/**
 * {@code /api/v1/admin}: operators holding an admin key inspect, list, disable, enable and erase accounts,
 * link and unlink their identities, revoke sessions and read the audit trail.
 */
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
    routes.get("/accounts", api::accounts);
    routes.get("/accounts/:id", api::accountById);
    routes.delete("/accounts/:id", api::deleteAccount);
    routes.post("/accounts/:id/disable", api::disable);
    routes.post("/accounts/:id/enable", api::enable);
    routes.post("/accounts/:id/identities", ctx -> AccountLinks.link(ctx, sessions, Actor.ADMIN))
        .consumes("application/json");
    routes.delete("/accounts/:id/identities/:kind/:subject", api::unlink);
    routes.get("/accounts/:id/sessions", api::accountSessions);
    routes.post("/accounts/:id/sessions/revoke", api::revokeAccountSessions);
    routes.delete("/sessions/:id", api::revokeSession);
    routes.get("/audit", api::audit);
    return router;
  }

  /** By identity ({@code kind} and {@code subject}), or else the paged list ({@code limit}, {@code after}). */
  private void accounts(RoutingContext ctx) {
    boolean byIdentity = Inputs.hasQuery(ctx, "kind") || Inputs.hasQuery(ctx, "subject");
    if (!byIdentity) {
      int limit = Inputs.limit(ctx);
      UUID after = Inputs.optionalQueryUuid(ctx, "after");
      Replies.json(ctx, 200, sessions.accounts(after, limit), Wire::accountPage);
      return;
    }
    if (Inputs.hasQuery(ctx, "limit") || Inputs.hasQuery(ctx, "after")) {
      throw Inputs.invalid("Find an account by 'kind' and 'subject', or page through them with 'limit' and 'after'; "
          + "not both.");
    }
    accountByIdentity(ctx);
  }

  private void disable(RoutingContext ctx) {
    UUID accountId = Inputs.pathUuid(ctx, "id");
    String reason = Inputs.reason(ctx);
    Replies.json(ctx, 200, sessions.disableAccount(accountId, Actor.ADMIN, reason), revoked -> new JsonObject()
        .put("account_id", accountId.toString())
        .put("status", "disabled")
        .put("revoked", revoked.size()));
  }

  private void enable(RoutingContext ctx) {
    UUID accountId = Inputs.pathUuid(ctx, "id");
    Replies.json(ctx, 200, sessions.enableAccount(accountId, Actor.ADMIN), enabled -> new JsonObject()
        .put("account_id", accountId.toString())
        .put("status", "active"));
  }

  private void deleteAccount(RoutingContext ctx) {
    Replies.noContent(ctx, sessions.deleteAccount(Inputs.pathUuid(ctx, "id"), Actor.ADMIN));
  }

  private void unlink(RoutingContext ctx) {
    UUID accountId = Inputs.pathUuid(ctx, "id");
    Identity identity;
    try {
      identity = Identity.parse(ctx.pathParam("kind"), ctx.pathParam("subject"));
    } catch (InvalidIdentityException e) {
      throw Inputs.invalid("Invalid identity: " + e.getMessage() + ".");
    }
    Replies.noContent(ctx, sessions.unlinkIdentity(accountId, identity, Actor.ADMIN));
  }

  private void audit(RoutingContext ctx) {
    UUID accountId = Inputs.optionalQueryUuid(ctx, "account_id");
    int limit = Inputs.limit(ctx);
    UUID after = Inputs.optionalQueryUuid(ctx, "after");
    Replies.json(ctx, 200, sessions.auditEvents(accountId, after, limit), Wire::auditPage);
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
