package io.latchkey.http;

import io.latchkey.account.Identity;
import io.latchkey.account.InvalidIdentityException;
import io.latchkey.session.Actor;
import io.latchkey.session.SessionService;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code POST …/accounts/{id}/identities}, on the admin tier and on the internal tier (a trusted login
 * front-end that verified the identity): 201 with the account when newly linked, 200 when the account already
 * held it; 409 identity-taken, 404.
 */
final class AccountLinks {

  private AccountLinks() {}

  static void link(RoutingContext ctx, SessionService sessions, Actor actor) {
    UUID accountId = Inputs.pathUuid(ctx, "id");
    Identity identity;
    try {
      identity = Identity.fromJson(Inputs.jsonObject(ctx));
    } catch (InvalidIdentityException e) {
      throw Inputs.invalid("Invalid identity: " + e.getMessage() + ".");
    }
    sessions.linkIdentity(accountId, identity, actor).onComplete(linked -> {
      ctx.response().setStatusCode(linked.newlyLinked() ? 201 : 200);
      ctx.json(Wire.adminAccount(linked.account()));
    }, ctx::fail);
  }
}
