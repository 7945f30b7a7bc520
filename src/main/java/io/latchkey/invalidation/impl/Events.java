package io.latchkey.invalidation.impl;

import io.latchkey.invalidation.Cursor;
import io.latchkey.invalidation.InvalidationEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Turns log entries into events: consecutive entries of one transaction with one reason are one event, of at
 * most {@link InvalidationEvent#MAX_SESSIONS} sessions. Each event's id is its last entry's position, so
 * cutting a transaction into several events (or a page between two of them) loses nothing.
 */
final class Events {

  private Events() {}

  /** Events and how many entries they used (all of them, unless {@code maxEvents} cut the list short). */
  record Grouped(List<InvalidationEvent> events, int entriesUsed) {}

  static Grouped group(long streamId, List<LogRead.Entry> entries, int maxEvents) {
    List<InvalidationEvent> events = new ArrayList<>();
    int i = 0;
    while (i < entries.size() && events.size() < maxEvents) {
      LogRead.Entry first = entries.get(i);
      int end = i + 1;
      while (end < entries.size() && end - i < InvalidationEvent.MAX_SESSIONS && entries.get(end).xid() == first.xid()
          && Objects.equals(entries.get(end).reason(), first.reason())) {
        end++;
      }
      events.add(event(streamId, entries.subList(i, end)));
      i = end;
    }
    return new Grouped(events, i);
  }

  /**
   * The account is named when every entry is one account's and marked account-wide: the transaction revoked
   * every active session that account had.
   */
  private static InvalidationEvent event(long streamId, List<LogRead.Entry> entries) {
    LogRead.Entry first = entries.get(0);
    LogRead.Entry last = entries.get(entries.size() - 1);
    UUID account = first.accountWide() ? first.accountId() : null;
    long revokedAt = Long.MIN_VALUE;
    List<InvalidationEvent.Session> sessions = new ArrayList<>(entries.size());
    for (LogRead.Entry e : entries) {
      if (account != null && (!e.accountWide() || !account.equals(e.accountId()))) {
        account = null;
      }
      revokedAt = Math.max(revokedAt, e.revokedAtMs());
      sessions.add(new InvalidationEvent.Session(e.sessionId(), e.accountId(), e.tokenHash()));
    }
    return InvalidationEvent.revoked(new Cursor(streamId, last.xid(), last.seq()), account, sessions, revokedAt,
        first.reason());
  }
}
