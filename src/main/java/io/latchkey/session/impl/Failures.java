package io.latchkey.session.impl;

import io.latchkey.account.AccountDisabledException;
import io.latchkey.account.AccountNotFoundException;
import io.latchkey.account.IdentityNotLinkedException;
import io.latchkey.account.IdentityTakenException;
import io.latchkey.account.LastIdentityException;
import io.latchkey.session.SessionFailure;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what a part of the session verticle failed with into the reply's {@link SessionFailure}, in one place. */
final class Failures {

  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);

  private Failures() {}

  static void reply(Message<?> message, String address, Throwable failure) {
    if (failure instanceof SessionNotFound) {
      message.fail(SessionFailure.SESSION_NOT_FOUND.code(), "no such session");
    } else if (failure instanceof AccountNotFoundException) {
      message.fail(SessionFailure.ACCOUNT_NOT_FOUND.code(), failure.getMessage());
    } else if (failure instanceof IdentityTakenException) {
      message.fail(SessionFailure.IDENTITY_TAKEN.code(), failure.getMessage());
    } else if (failure instanceof AccountDisabledException) {
      message.fail(SessionFailure.ACCOUNT_DISABLED.code(), failure.getMessage());
    } else if (failure instanceof LastIdentityException) {
      message.fail(SessionFailure.LAST_IDENTITY.code(), failure.getMessage());
    } else if (failure instanceof IdentityNotLinkedException) {
      message.fail(SessionFailure.IDENTITY_NOT_FOUND.code(), failure.getMessage());
    } else if (failure instanceof Overloaded || failure instanceof ConnectionPoolTooBusyException) {
      message.fail(SessionFailure.OVERLOADED.code(), "too many requests are waiting for the database");
    } else if (failure instanceof Stale) {
      message.fail(SessionFailure.DATABASE_UNAVAILABLE.code(), EventBusSessionService.STALE.getMessage());
    } else if (failure instanceof IllegalArgumentException) {
      message.fail(SessionFailure.INVALID_REQUEST.code(), failure.getMessage());
    } else {
      LOG.warn("{} failed: {}", address, describe(failure));
      message.fail(SessionFailure.DATABASE_UNAVAILABLE.code(), "the database could not answer");
    }
  }

  /** Names a failure without its details: a PostgreSQL error detail can quote row values. */
  static String describe(Throwable failure) {
    if (failure instanceof PgException pg) {
      return "PostgreSQL " + pg.getSqlState() + " " + pg.getErrorMessage();
    }
    return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
  }

  /** No such session (or not the named owner's); no stack trace, it is an answer, not an error. */
  static final class SessionNotFound extends RuntimeException {
    SessionNotFound() {
      super(null, null, false, false);
    }
  }

  /** A cache hit on a node whose cache is not current: answered like a database that cannot answer. */
  static final class Stale extends RuntimeException {
    Stale() {
      super(null, null, false, false);
    }
  }

  /** Too many misses in flight, or creates waiting: shed instead of queueing. */
  static final class Overloaded extends RuntimeException {
    Overloaded() {
      super(null, null, false, false);
    }
  }
}
