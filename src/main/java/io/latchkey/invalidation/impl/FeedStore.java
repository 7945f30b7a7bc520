package io.latchkey.invalidation.impl;

import io.latchkey.invalidation.Cursor;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Reads of the revocation log on vertx-pg-client, prepared statements only. */
final class FeedStore {

  private FeedStore() {}

  /** Up to {@code limit} finished entries after {@code after} ({@code null}: none, only the bounds). */
  static Future<LogRead> read(Pool pool, Cursor after, int limit) {
    Tuple params = after == null ? Tuple.of(0L, 0L, 0L) : Tuple.of(after.xid(), after.seq(), (long) limit);
    return pool.preparedQuery(FeedQueries.READ).execute(params).map(rows -> {
      List<LogRead.Entry> entries = new ArrayList<>(rows.size());
      Row first = null;
      for (Row row : rows) {
        if (first == null) {
          first = row;
        }
        if (row.getLong("xid") != null) {
          entries.add(new LogRead.Entry(row.getLong("xid"), row.getLong("seq"),
              row.getOffsetDateTime("revoked_at").toInstant().toEpochMilli(), row.getUUID("session_id"),
              row.getUUID("account_id"), row.getBuffer("token_hash").getBytes(), row.getString("reason"),
              row.getBoolean("account_wide")));
        }
      }
      if (first == null) {
        throw new IllegalStateException("the revocation horizon row is missing (migration V6)");
      }
      long streamId = first.getLong("stream_id");
      return new LogRead(streamId, new Cursor(streamId, first.getLong("horizon_xid"), first.getLong("horizon_seq")),
          first.getLong("snapshot_xmin"), first.getLong("snapshot_xmax"), first.getBoolean("held"), entries);
    });
  }
}
