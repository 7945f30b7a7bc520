package io.latchkey.http;

import io.latchkey.account.Identity;
import io.latchkey.account.InvalidIdentityException;
import io.latchkey.auth.ApiKeyAuthProvider;
import io.latchkey.auth.Caller;
import io.latchkey.session.Actor;
import io.latchkey.session.SessionFailure;
import io.latchkey.session.SessionService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/v1/internal}: trusted services (gateways, login front-ends) holding an internal key. They
 * create sessions after verifying a login, introspect tokens, and fetch session records. Introspection
 * (RFC 7662) and revocation by token (RFC 7009) are OAuth endpoints as well (SPEC §5e): a form body or JSON,
 * and the key as a bearer or as HTTP Basic's password ({@link Guards#oauthEndpoint}); only these two take
 * Basic. The invalidation stream ({@link InvalidationStream}) is here too: gateways read revocations with an
 * internal key.
 */
final class InternalApi {

  private static final String INTROSPECT = "/sessions/introspect";
  private static final String REVOKE = "/sessions/revoke";
  /** Recorded as the revocation's reason ({@code sessions.revoked_reason}), with the actor {@code internal}. */
  static final String REVOKED_BY_TOKEN = "revoked-by-token";

  private final SessionService sessions;

  private InternalApi(SessionService sessions) {
    this.sessions = sessions;
  }

  static Router router(Vertx vertx, SessionService sessions, ApiKeyAuthProvider keys, InvalidationStream invalidations) {
    InternalApi api = new InternalApi(sessions);
    Router router = Router.router(vertx);
    Guards.oauthEndpoint(router.route(INTROSPECT));
    Guards.oauthEndpoint(router.route(REVOKE));
    Guards.keyTier(router.route(), keys, Caller.INTERNAL);
    Routes routes = new Routes(router, "/api/v1/internal");
    routes.post("/sessions", api::createSession).consumes("application/json");
    routes.post(INTROSPECT, api::introspect).consumes(TokenParameter.FORM).consumes(TokenParameter.JSON);
    routes.post(REVOKE, api::revokeToken).consumes(TokenParameter.FORM).consumes(TokenParameter.JSON);
    routes.get("/sessions/:id", api::sessionRecord);
    routes.post("/accounts/:id/identities", ctx -> AccountLinks.link(ctx, sessions, Actor.INTERNAL))
        .consumes("application/json");
    InvalidationStream.negotiated(routes.get(InvalidationStream.PATH, invalidations::handle));
    return router;
  }

  private void createSession(RoutingContext ctx) {
    JsonObject body = Inputs.jsonObject(ctx);
    Identity identity = identity(body);
    byte[] key = Inputs.clientPublicKey(body);
    String device = Inputs.device(body);
    Replies.json(ctx, 201, sessions.create(identity, key, device), Wire::created);
  }

  /** RFC 7662: an unknown, revoked or malformed token is simply {@code {"active":false}}. */
  private void introspect(RoutingContext ctx) {
    String token = TokenParameter.read(ctx);
    Future<JsonObject> answer = sessions.lookup(token).transform(result -> {
      if (result.succeeded()) {
        return Future.succeededFuture(Wire.introspection(result.result(), sessions.lifetimes()));
      }
      if (SessionService.failureOf(result.cause()) == SessionFailure.SESSION_NOT_FOUND) {
        return Future.succeededFuture(Wire.inactive());
      }
      return Future.failedFuture(result.cause());
    });
    Replies.json(ctx, 200, answer, reply -> reply);
  }

  /**
   * RFC 7009: 200 with an empty body whether or not the token opened an active session (§2.2), so the answer
   * tells nothing about the token; an active one is revoked like any other, broadcast included.
   */
  private void revokeToken(RoutingContext ctx) {
    String token = TokenParameter.read(ctx);
    sessions.revokeToken(token, Actor.INTERNAL, REVOKED_BY_TOKEN)
        .onComplete(revoked -> ctx.response().setStatusCode(200).end(), ctx::fail);
  }

  private void sessionRecord(RoutingContext ctx) {
    Replies.json(ctx, 200, sessions.session(Inputs.pathUuid(ctx, "id")),
        record -> Wire.internalRecord(record, sessions.lifetimes()));
  }

  static Identity identity(JsonObject body) {
    Object identity = body.getValue("identity");
    if (identity == null) {
      throw Inputs.invalid("'identity' is required: {\"kind\":\"email\"|\"telegram\",\"subject\":\"…\"}.");
    }
    if (!(identity instanceof JsonObject json)) {
      throw Inputs.invalid("'identity' must be an object with 'kind' and 'subject'.");
    }
    try {
      return Identity.fromJson(json);
    } catch (InvalidIdentityException e) {
      throw Inputs.invalid("Invalid identity: " + e.getMessage() + ".");
    }
  }
}
