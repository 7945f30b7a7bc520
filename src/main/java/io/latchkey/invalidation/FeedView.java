package io.latchkey.invalidation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a node's feed knows at one moment, immutable: the recent events it keeps in memory, every event in
 * {@code (floor, head]} of its stream, in order. Each read that learns something publishes a new view
 * ({@link InvalidationFeed#VIEWS}); the next view shares nothing mutable with this one, so any thread may
 * read it.
 *
 * <p>{@code generation} changes when the feed had to start over (the database's stream changed, or the feed
 * itself fell behind the retention): positions of an older generation are then no longer covered.
 */
public final class FeedView {

  private final long generation;
  private final Cursor floor;
  private final Cursor head;
  private final InvalidationEvent[] events;
  private final long bytes;

  private FeedView(long generation, Cursor floor, Cursor head, InvalidationEvent[] events, long bytes) {
    this.generation = generation;
    this.floor = floor;
    this.head = head;
    this.events = events;
    this.bytes = bytes;
  }

  /** An empty view starting at {@code head}. */
  public static FeedView start(long generation, Cursor head) {
    return new FeedView(generation, head, head, new InvalidationEvent[0], 0);
  }

  public long generation() {
    return generation;
  }

  /** Events after this are all here (up to the head). */
  public Cursor floor() {
    return floor;
  }

  /** Every event up to here is known to this view. */
  public Cursor head() {
    return head;
  }

  /** Bytes of the frames held. */
  public long bytes() {
    return bytes;
  }

  public int size() {
    return events.length;
  }

  /** Whether every event after {@code cursor} up to the head is in this view. */
  public boolean covers(Cursor cursor) {
    return cursor.sameStream(head) && cursor.compareTo(floor) >= 0 && cursor.compareTo(head) <= 0;
  }

  /** Whether {@code cursor} is at or past this view's head (nothing here is after it). */
  public boolean reached(Cursor cursor) {
    return cursor.sameStream(head) && cursor.compareTo(head) >= 0;
  }

  /**
   * At most {@code limit} events after {@code cursor}, which this view {@linkplain #covers covers}; {@code next}
   * is the head when they are all there is.
   */
  public Page page(Cursor cursor, int limit) {
    int from = firstAfter(cursor);
    int to = (int) Math.min(events.length, (long) from + limit);
    List<InvalidationEvent> page = Arrays.asList(events).subList(from, to);
    return new Page(page, to == events.length ? head : page.get(page.size() - 1).id());
  }

  /** Every event after {@code cursor}, in order (all of them when it is below the floor). */
  public List<InvalidationEvent> after(Cursor cursor) {
    return Arrays.asList(events).subList(firstAfter(cursor), events.length);
  }

  /**
   * This view with {@code added} (in order, after its head) and the head moved to {@code newHead}; the oldest
   * events leave while the frames exceed {@code maxBytes}, moving the floor up to them.
   */
  public FeedView append(List<InvalidationEvent> added, Cursor newHead, long maxBytes) {
    if (added.isEmpty() && newHead.equals(head)) {
      return this;
    }
    long total = bytes;
    for (InvalidationEvent e : added) {
      total += e.size();
    }
    int drop = 0;
    Cursor newFloor = floor;
    int count = events.length + added.size();
    while (total > maxBytes && drop < count) {
      InvalidationEvent leaving = drop < events.length ? events[drop] : added.get(drop - events.length);
      total -= leaving.size();
      newFloor = leaving.id();
      drop++;
    }
    List<InvalidationEvent> kept = new ArrayList<>(count - drop);
    for (int i = drop; i < count; i++) {
      kept.add(i < events.length ? events[i] : added.get(i - events.length));
    }
    return new FeedView(generation, newFloor, newHead, kept.toArray(new InvalidationEvent[0]), total);
  }

  /** The index of the first event after {@code cursor}. */
  private int firstAfter(Cursor cursor) {
    int low = 0;
    int high = events.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (events[mid].id().isAfter(cursor)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  @Override
  public String toString() {
    return "FeedView[generation=" + generation + ", floor=" + floor + ", head=" + head + ", events=" + events.length
        + ", bytes=" + bytes + "]";
  }
}
