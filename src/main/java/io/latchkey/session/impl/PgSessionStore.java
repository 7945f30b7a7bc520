package io.latchkey.session.impl;

import io.latchkey.session.CachedSession;
import io.latchkey.session.SessionStore;
import io.latchkey.session.TokenHash;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.Tuple;
import java.util.function.BiConsumer;

/** {@link SessionStore} on vertx-pg-client with prepared statements. */
public final class PgSessionStore implements SessionStore {

  private final Pool pool;

  public PgSessionStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Void> ping() {
    return pool.query(SessionQueries.PING).execute().mapEmpty();
  }

  @Override
  public Future<Long> streamActive(long limit, int fetchSize, BiConsumer<TokenHash, CachedSession> sink) {
    // a cursor needs a transaction; rows arrive fetchSize at a time, so memory stays flat
    return pool.withTransaction(conn -> conn.prepare(SessionQueries.STREAM_ACTIVE).compose(statement -> {
      Promise<Long> done = Promise.promise();
      long[] count = {0};
      RowStream<Row> stream = statement.createStream(fetchSize, Tuple.of(limit));
      stream.exceptionHandler(done::tryFail);
      stream.endHandler(v -> done.tryComplete(count[0]));
      stream.handler(row -> {
        sink.accept(TokenHash.of(row.getBuffer("token_hash").getBytes()), toCached(row));
        count[0]++;
      });
      return done.future();
    }));
  }

  private static CachedSession toCached(Row row) {
    Buffer key = row.getBuffer("client_public_key");
    return new CachedSession(
        row.getUUID("session_id"),
        row.getUUID("account_id"),
        key == null ? null : key.getBytes(),
        row.getOffsetDateTime("created_at").toInstant().toEpochMilli(),
        0L);
  }
}
