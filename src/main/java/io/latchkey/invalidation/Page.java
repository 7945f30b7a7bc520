package io.latchkey.invalidation;

import java.util.List;

/**
 * Events after a cursor, in order, and where to resume: {@code next} is at or after the last event's id.
 * No events means the reader is caught up as of the read; a page may hold fewer events than asked for while
 * more follow.
 */
public record Page(List<InvalidationEvent> events, Cursor next) {

  public Page {
    events = List.copyOf(events);
  }
}
