package io.latchkey.invalidation.impl;

import io.latchkey.invalidation.Cursor;
import java.util.List;
import java.util.UUID;

/**
 * One read of the revocation log ({@link FeedQueries#READ}): the entries, and the snapshot's bounds.
 *
 * @param horizon the largest position the retention prune deleted
 * @param xmin every transaction below it had finished: {@code Cursor.head(streamId, xmin)} is the head
 * @param xmax no transaction id at or above it had been issued
 * @param held whether finished entries at or above {@code xmin} wait for an older transaction to end
 */
record LogRead(long streamId, Cursor horizon, long xmin, long xmax, boolean held, List<Entry> entries) {

  /** A revocation-log entry. */
  record Entry(long xid, long seq, long revokedAtMs, UUID sessionId, UUID accountId, byte[] tokenHash, String reason,
      boolean accountWide) {}

  Cursor head() {
    return Cursor.head(streamId, xmin);
  }
}
