package io.latchkey.http;

import io.latchkey.account.Identity;
import io.latchkey.account.InvalidIdentityException;
import io.latchkey.login.EmailChallenge;
import io.latchkey.login.InvalidLoginException;
import io.latchkey.login.LoginException;
import io.latchkey.login.LoginFailure;
import io.latchkey.login.LoginService;
import io.latchkey.login.TelegramPayload;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The public tier's logins (SPEC §5d): input read and checked here (400 before anything is stored), the
 * work done by the {@link LoginService}, its failures turned into problems here. A success is answered
 * exactly like the internal create.
 */
final class LoginApi {

  private static final Pattern CODE = Pattern.compile("[0-9]{6}");
  /** Telegram's initData is a few hundred bytes; the body limit bounds it too. */
  private static final int INIT_DATA_MAX = 8192;

  private final LoginService logins;

  private LoginApi(LoginService logins) {
    this.logins = logins;
  }

  /** @param logins the node's logins, or {@code null}: every login answers 503 login-method-unavailable */
  static void routes(Routes routes, LoginService logins) {
    LoginApi api = new LoginApi(logins);
    routes.post("/login/email", api::startEmail).consumes("application/json");
    routes.post("/login/email/verify", api::verifyEmail).consumes("application/json");
    routes.post("/login/telegram", api::telegram).consumes("application/json");
  }

  private void startEmail(RoutingContext ctx) {
    JsonObject body = Inputs.jsonObject(ctx);
    Identity email;
    try {
      email = Identity.parse("email", Inputs.string(body, "email"));
    } catch (InvalidIdentityException e) {
      throw Inputs.invalid("'email' is not a valid email address.");
    }
    Replies.json(ctx, 202, answer(ctx, logins == null ? null : logins.startEmail(email)), LoginApi::challenge);
  }

  private void verifyEmail(RoutingContext ctx) {
    JsonObject body = Inputs.jsonObject(ctx);
    UUID challengeId = Inputs.uuid(Inputs.string(body, "challenge_id"), "'challenge_id' must be a UUID.");
    String code = Inputs.string(body, "code");
    if (!CODE.matcher(code).matches()) {
      throw Inputs.invalid("'code' must be the 6 digits of the mail.");
    }
    byte[] key = Inputs.clientPublicKey(body);
    String device = Inputs.device(body);
    Replies.json(ctx, 201, answer(ctx, logins == null ? null : logins.verifyEmail(challengeId, code, key, device)),
        Wire::created);
  }

  private void telegram(RoutingContext ctx) {
    JsonObject body = Inputs.jsonObject(ctx);
    Object widget = body.getValue("widget");
    Object initData = body.getValue("init_data");
    if ((widget == null) == (initData == null)) {
      throw Inputs.invalid("Send exactly one of 'widget' (the login widget's object) and 'init_data' "
          + "(the Mini App's raw initData string).");
    }
    TelegramPayload payload;
    try {
      if (widget != null) {
        if (!(widget instanceof JsonObject fields)) {
          throw Inputs.invalid("'widget' must be an object.");
        }
        payload = TelegramPayload.widget(fields);
      } else {
        String raw = Inputs.optionalString(body, "init_data", INIT_DATA_MAX);
        payload = TelegramPayload.initData(raw);
      }
    } catch (InvalidLoginException e) {
      throw Inputs.invalid(e.getMessage());
    }
    byte[] key = Inputs.clientPublicKey(body);
    String device = Inputs.device(body);
    Replies.json(ctx, 201, answer(ctx, logins == null ? null : logins.telegram(payload, key, device)), Wire::created);
  }

  private static JsonObject challenge(EmailChallenge challenge) {
    return new JsonObject()
        .put("challenge_id", challenge.challengeId().toString())
        .put("expires_at", Wire.time(challenge.expiresAt()));
  }

  /** The login's outcome with its failures as problems (a 429 with its Retry-After). */
  private static <T> Future<T> answer(RoutingContext ctx, Future<T> outcome) {
    if (outcome == null) {
      outcome = Future.failedFuture(LoginException.of(LoginFailure.METHOD_UNAVAILABLE, "Logins are off on this node."));
    }
    return outcome.recover(failure -> {
      if (!(failure instanceof LoginException login)) {
        return Future.failedFuture(failure);
      }
      LoginFailure kind = login.failure();
      Problem problem = Problem.named(kind.problem(), kind.status(), kind.title(), login.getMessage());
      if (kind == LoginFailure.CODE_INVALID) {
        problem = problem.with("attempts_left", login.attemptsLeft());
      }
      if (login.retryAfterSeconds() > 0) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(login.retryAfterSeconds()));
      }
      return Future.failedFuture(new ProblemException(problem));
    });
  }
}
