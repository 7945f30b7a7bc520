package io.latchkey.http;

import io.latchkey.session.SessionFailure;
import io.latchkey.session.SessionService;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.ext.web.handler.HttpException;

/** Maps every failure a handler can meet to its problem, in one place. */
final class Problems {

  private Problems() {}

  static Problem of(SessionFailure failure, String detail) {
    return switch (failure) {
      case SESSION_NOT_FOUND -> Problem.named("session-not-found", 404, "Session not found", detail);
      case ACCOUNT_NOT_FOUND -> Problem.named("account-not-found", 404, "Account not found", detail);
      case IDENTITY_TAKEN -> Problem.named("identity-taken", 409, "Identity belongs to another account", detail);
      case ACCOUNT_DISABLED -> Problem.named("account-disabled", 403, "Account disabled", detail);
      case LAST_IDENTITY -> Problem.named("last-identity", 409, "Last identity of the account", detail);
      case IDENTITY_NOT_FOUND -> Problem.named("identity-not-found", 404, "Identity not linked", detail);
      case INVALID_REQUEST -> Problem.named("invalid-request", 400, "Invalid request", detail);
      case OVERLOADED -> Problem.named("overloaded", 503, "Overloaded", detail);
      case DATABASE_UNAVAILABLE -> Problem.named("unavailable", 503, "Service unavailable", detail);
    };
  }

  /** The problem for a failure, or {@code null} when it is unexpected (a bug: answered with a bare 500). */
  static Problem forFailure(Throwable failure) {
    if (failure instanceof ProblemException problem) {
      return problem.problem();
    }
    if (failure instanceof HttpException http) {
      return forStatus(http.getStatusCode(), http.getPayload());
    }
    if (failure instanceof ReplyException reply) {
      SessionFailure known = SessionService.failureOf(reply);
      if (known != null) {
        return of(known, detail(known));
      }
      return Problem.named("unavailable", 503, "Service unavailable", "The session service did not answer in time.");
    }
    return null;
  }

  static Problem forStatus(int status, String detail) {
    return switch (status) {
      case 401 -> Problem.named("unauthorized", 401, "Unauthorized",
          detail != null ? detail : "Valid credentials are required.");
      case 403 -> Problem.named("forbidden", 403, "Forbidden",
          detail != null ? detail : "These credentials do not grant access to this resource.");
      case 503 -> Problem.named("unavailable", 503, "Service unavailable",
          detail != null ? detail : "The service cannot answer right now.");
      case 404 -> Problem.ofStatus(404, detail != null ? detail : "No such resource.");
      case 405 -> Problem.ofStatus(405, "The resource does not support this method.");
      case 406 -> Problem.ofStatus(406, "The resource cannot answer in a media type the Accept header allows.");
      case 413 -> Problem.ofStatus(413, "The request body is too large.");
      case 415 -> Problem.ofStatus(415, "The request body must be application/json.");
      default -> status >= 400 && status < 600
          ? Problem.ofStatus(status, detail != null ? detail : "The request was rejected.")
          : null;
    };
  }

  /** Replies' messages are meant for callers, but each code gets a fixed wording here to keep them uniform. */
  private static String detail(SessionFailure failure) {
    return switch (failure) {
      case SESSION_NOT_FOUND -> "No such session.";
      case ACCOUNT_NOT_FOUND -> "No such account.";
      case IDENTITY_TAKEN -> "The identity belongs to another account.";
      case ACCOUNT_DISABLED -> "The account is disabled: no session can be created for it.";
      case LAST_IDENTITY -> "The identity is the account's last one: link another before unlinking it.";
      case IDENTITY_NOT_FOUND -> "The account does not hold this identity.";
      case INVALID_REQUEST -> "The request is not valid.";
      case OVERLOADED -> "Too many requests are waiting for the database; retry shortly.";
      case DATABASE_UNAVAILABLE -> "The database cannot answer right now.";
    };
  }
}
