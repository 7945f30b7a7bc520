package io.latchkey.db;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.function.Function;
import java.util.function.Supplier;

/** Turns the PostgreSQL errors the stores expect into the domain's exceptions, in one place. */
public final class PgErrors {

  /** SQLSTATE foreign_key_violation: the referenced row (an account) does not exist. */
  public static final String FOREIGN_KEY_VIOLATION = "23503";

  private PgErrors() {}

  /** A {@code recover} function replacing a foreign-key violation with {@code replacement}. */
  public static <T> Function<Throwable, Future<T>> foreignKeyViolationAs(Supplier<? extends RuntimeException> replacement) {
    return failure -> failure instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState())
        ? Future.failedFuture(replacement.get())
        : Future.failedFuture(failure);
  }
}
