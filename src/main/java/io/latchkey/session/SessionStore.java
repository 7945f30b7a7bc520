package io.latchkey.session;

import io.latchkey.session.impl.PgSessionStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.function.BiConsumer;

/** The PostgreSQL side of sessions. All SQL lives in the implementation's query class. */
public interface SessionStore {

  static SessionStore create(Pool pool) {
    return new PgSessionStore(pool);
  }

  /** Succeeds when the database answers a trivial query. */
  Future<Void> ping();

  /**
   * Streams active sessions, most recently used first, at most {@code limit} of them, through a cursor
   * fetching {@code fetchSize} rows at a time, handing each to {@code sink}.
   *
   * @return how many sessions were streamed
   */
  Future<Long> streamActive(long limit, int fetchSize, BiConsumer<TokenHash, CachedSession> sink);
}
