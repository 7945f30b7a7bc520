package io.latchkey.login.impl;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Email challenges and used Telegram payloads in PostgreSQL (Flyway V3). */
final class LoginStore {

  /** What one guess found: the challenge's address, whether the code was right, the guesses left. */
  record Guess(String email, boolean matched, int attemptsLeft) {}

  /** Thrown inside the start transaction to roll it back when no challenge may be created. */
  private static final class Refused extends RuntimeException {
    Refused() {
      super(null, null, false, false);
    }
  }

  private final Pool pool;

  LoginStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Creates a challenge, unless the address had {@code perHour} challenges in the past hour or has no
   * guesses left: then nothing changes and the answer is false. Closes the address's open challenges and
   * deducts the wrong guesses of the past hour (since its last successful login) from the new one's budget.
   */
  Future<Boolean> startChallenge(String email, UUID challengeId, byte[] codeHash, Instant expiresAt,
      int maxGuesses, int perHour) {
    return pool.withTransaction(tx -> tx.preparedQuery(LoginQueries.LOCK_ADDRESS).execute(Tuple.of(email))
            .compose(locked -> tx.preparedQuery(LoginQueries.SUPERSEDE).execute(Tuple.of(email)))
            .compose(closed -> tx.preparedQuery(LoginQueries.RECENT).execute(Tuple.of(email)))
            .compose(recent -> {
              Row row = recent.iterator().next();
              long budget = maxGuesses - row.getLong("wrong_guesses");
              if (row.getLong("challenges") >= perHour || budget <= 0) {
                return Future.failedFuture(new Refused());
              }
              return tx.preparedQuery(LoginQueries.INSERT).execute(Tuple.of(challengeId, email,
                  Buffer.buffer(codeHash), (int) budget, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC)));
            })
            .compose(inserted -> purge(tx, LoginQueries.PURGE_CHALLENGES)))
        .map(true)
        .recover(failure -> failure instanceof Refused ? Future.succeededFuture(false) : Future.failedFuture(failure));
  }

  /** One guess at a challenge; {@code null} when the challenge takes no more guesses. */
  Future<Guess> guess(UUID challengeId, byte[] codeHash) {
    return pool.preparedQuery(LoginQueries.GUESS).execute(Tuple.of(challengeId, Buffer.buffer(codeHash)))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Guess(row.getString("email"), row.getBoolean("matched"), row.getInteger("attempts_left"));
        });
  }

  Future<Void> discard(UUID challengeId) {
    return pool.preparedQuery(LoginQueries.DISCARD).execute(Tuple.of(challengeId)).mapEmpty();
  }

  /** Records a Telegram payload as used until {@code staleAt}; false if it was used before. */
  Future<Boolean> spendTelegram(byte[] payloadHash, Instant staleAt) {
    return pool.preparedQuery(LoginQueries.SPEND_TELEGRAM)
        .execute(Tuple.of(Buffer.buffer(payloadHash), OffsetDateTime.ofInstant(staleAt, ZoneOffset.UTC)))
        .compose(rows -> purge(pool, LoginQueries.PURGE_TELEGRAM).map(rows.size() == 1));
  }

  private static Future<RowSet<Row>> purge(SqlClient client, String statement) {
    return client.preparedQuery(statement).execute();
  }
}
