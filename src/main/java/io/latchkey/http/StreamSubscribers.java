package io.latchkey.http;

import io.latchkey.config.AppConfig.InvalidationStreamConfig;
import io.latchkey.invalidation.Cursor;
import io.latchkey.invalidation.FeedView;
import io.latchkey.invalidation.InvalidationEvent;
import io.latchkey.invalidation.InvalidationFeed;
import io.latchkey.invalidation.Page;
import io.latchkey.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Server-Sent Events subscribers of one HTTP verticle, all on its event loop: nothing here is touched from
 * another thread, and no response is written from another context.
 *
 * <p>A subscriber is <b>catching up</b> from its cursor to this verticle's newest {@link FeedView}: out of the
 * view's memory when the view covers the cursor, else out of PostgreSQL a page at a time, and only while its
 * write queue is below {@code INVALIDATION_STREAM_WRITE_QUEUE_BYTES} (the rest is written when the queue has
 * drained). At the view's head it is <b>live</b>: each new view's events are written to every live subscriber
 * at once, the same buffers for all. A live subscriber whose queue is full after such a write goes back to
 * catching up, at its own pace, instead of having more pushed at it: a reader that drains a burst late loses
 * nothing and costs the node no more than its queue (and, once it has fallen behind the view's memory, one
 * page of PostgreSQL at a time). A subscriber whose queue has been full without draining once for
 * {@value #STALLED_HEARTBEATS} heartbeats is <b>dropped</b>: its connection is closed, and it resumes from the
 * last id it received (here or on another node). Neither kind holds back the others or any revocation.
 *
 * <p>Every heartbeat, each subscriber whose queue has room gets a comment, and a live one whose position is
 * behind the view's head an id-only message with the head ({@code :\nid: <head>\n\n}): it moves the client's
 * last event id without dispatching an event, so a client that reconnects after a quiet hour resumes from a
 * recent cursor. No heartbeat is sent while the feed is not {@linkplain InvalidationFeed#current current}: a
 * node that cannot read the revocation log must not tell its clients that all is well.
 */
final class StreamSubscribers {

  private static final String EVENT_STREAM = "text/event-stream";
  private static final Buffer COMMENT = Buffer.buffer(": keep-alive\n\n");
  /** Events per page of a catch-up from PostgreSQL. */
  private static final int STORED_EVENTS = 100;
  /** Events written per step of a catch-up from memory, between two looks at the write queue. */
  private static final int MEMORY_EVENTS = 16;
  /** Heartbeats a catching-up subscriber's queue may stay full before it is dropped. */
  private static final int STALLED_HEARTBEATS = 3;
  /** Pause before reading PostgreSQL again when a read found nothing new yet (its snapshot older than the view). */
  private static final long RETRY_STORED_MS = 50;
  private static final int OVERLOAD_RETRY_AFTER_SECONDS = 5;

  /** One open stream. */
  private static final class Subscriber {
    final RoutingContext ctx;
    final HttpServerResponse response;
    /** Every event up to here has been written (or the client had it: the cursor it sent). */
    Cursor position;
    /** The last id this connection wrote; {@code null} before the first. */
    Cursor written;
    boolean live;
    boolean closed;
    /** Whether the write queue drained since the last heartbeat, and heartbeats since it last did while full. */
    boolean drained;
    int stalled;

    Subscriber(RoutingContext ctx) {
      this.ctx = ctx;
      this.response = ctx.response();
    }
  }

  private final Vertx vertx;
  private final InvalidationFeed feed;
  private final InvalidationStreamConfig config;
  private final Metrics metrics;
  private final Set<Subscriber> subscribers = new LinkedHashSet<>();
  private FeedView view;
  private MessageConsumer<FeedView> consumer;
  private long heartbeat = -1;

  /** @param feed the node's feed; {@code null}: the stream answers 503 (a node built without one, in tests) */
  StreamSubscribers(Vertx vertx, InvalidationFeed feed, InvalidationStreamConfig config, Metrics metrics) {
    this.vertx = vertx;
    this.feed = feed;
    this.config = config;
    this.metrics = metrics;
  }

  /** Follows the feed's views and starts the heartbeat; on the verticle's context. */
  Future<Void> start() {
    if (feed == null) {
      return Future.succeededFuture();
    }
    consumer = vertx.eventBus().localConsumer(InvalidationFeed.VIEWS, message -> onView(message.body()));
    heartbeat = vertx.setPeriodic(config.heartbeat().toMillis(), id -> heartbeat());
    return consumer.completion().onSuccess(registered -> onView(feed.view()));
  }

  /** Ends every stream (clients resume elsewhere or after the restart) and stops following the feed. */
  Future<Void> close() {
    vertx.cancelTimer(heartbeat);
    for (Subscriber sub : new ArrayList<>(subscribers)) {
      if (sub.response.headWritten()) {
        sub.response.end();
      } else {
        sub.ctx.request().connection().close();
      }
      closed(sub);
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  boolean available() {
    if (feed == null) {
      return false;
    }
    onView(feed.view());
    return view != null;
  }

  /** Opens a stream from {@code after} ({@code null}: from the head). Call only when {@link #available}. */
  void subscribe(RoutingContext ctx, Cursor after) {
    if (!feed.admit()) {
      metrics.streamRefused.increment();
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(OVERLOAD_RETRY_AFTER_SECONDS));
      Problem.named("overloaded", 503, "Overloaded", "This node serves as many invalidation streams as it is "
          + "configured to (INVALIDATION_STREAM_MAX_SUBSCRIBERS); retry later or on another node.").send(ctx);
      return;
    }
    Subscriber sub = new Subscriber(ctx);
    subscribers.add(sub);
    sub.response.closeHandler(v -> closed(sub));
    sub.response.exceptionHandler(failure -> closed(sub));
    sub.response.setWriteQueueMaxSize(config.writeQueueBytes());
    sub.position = after == null ? view.head() : after;
    catchUp(sub);
  }

  // ---------------------------------------------------------------------------------------------------
  // Catching up, at the subscriber's pace

  private void catchUp(Subscriber sub) {
    sub.live = false;
    while (!sub.closed) {
      if (sub.response.writeQueueFull()) {
        awaitDrain(sub);
        return;
      }
      if (view.reached(sub.position)) {
        goLive(sub);
        return;
      }
      if (!view.covers(sub.position)) {
        readStored(sub);
        return;
      }
      Page page = view.page(sub.position, MEMORY_EVENTS);
      write(sub, page.events());
      sub.position = page.next();
    }
  }

  private void awaitDrain(Subscriber sub) {
    sub.response.drainHandler(drained -> {
      sub.response.drainHandler(null);
      sub.drained = true;
      catchUp(sub);
    });
  }

  private void readStored(Subscriber sub) {
    Cursor from = sub.position;
    feed.readStored(from, STORED_EVENTS).onComplete(page -> {
      if (sub.closed) {
        return;
      }
      write(sub, page.events());
      sub.position = page.next();
      if (page.events().isEmpty() && !view.reached(sub.position) && !view.covers(sub.position)) {
        // PostgreSQL's snapshot was older than the view's: read again in a moment
        vertx.setTimer(RETRY_STORED_MS, id -> catchUp(sub));
      } else {
        catchUp(sub);
      }
    }, failure -> {
      if (sub.closed) {
        return;
      }
      if (sub.response.headWritten()) {
        // the client resumes from the last id it got, here or on another node
        sub.ctx.request().connection().close();
        closed(sub);
      } else {
        closed(sub);
        sub.ctx.fail(new ProblemException(Problem.named("unavailable", 503, "Service unavailable",
            "The revocation log cannot be read right now.")));
      }
    });
  }

  /** At the view's head: from now on every new view's events are written as they come. */
  private void goLive(Subscriber sub) {
    sub.live = true;
    if (!sub.position.equals(sub.written)) {
      writeId(sub, sub.position, false);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Live

  /** A view from the feed (or read from it directly): the newest one wins; live subscribers get its news. */
  private void onView(FeedView next) {
    FeedView previous = view;
    if (next == null || next == previous || previous != null && (next.generation() < previous.generation()
        || next.generation() == previous.generation() && next.head().compareTo(previous.head()) <= 0)) {
      return;
    }
    view = next;
    if (previous == null) {
      return;
    }
    if (next.generation() != previous.generation() || !next.covers(previous.head())) {
      // what came between the two views is not all in memory (the feed started over, or its buffer turned
      // over faster than views arrived): live subscribers catch up from PostgreSQL, which also says when a
      // subscriber must reset
      for (Subscriber sub : new ArrayList<>(subscribers)) {
        if (sub.live) {
          catchUp(sub);
        }
      }
      return;
    }
    List<InvalidationEvent> added = next.after(previous.head());
    if (added.isEmpty()) {
      return;
    }
    Buffer all = null;
    boolean delivered = false;
    long shared = 0;
    for (Subscriber sub : new ArrayList<>(subscribers)) {
      if (!sub.live || sub.closed) {
        continue;
      }
      if (added.get(0).id().isAfter(sub.position)) {
        if (all == null) {
          all = concatenated(added);
        }
        sub.response.write(all);
        shared += added.size();
        sub.position = added.get(added.size() - 1).id();
        sub.written = sub.position;
      } else {
        write(sub, added.stream().filter(e -> e.id().isAfter(sub.position)).toList());
      }
      delivered = true;
      if (sub.response.writeQueueFull()) {
        // no more pushed at it: it catches up at its own pace once the queue drains
        sub.live = false;
        awaitDrain(sub);
      }
    }
    metrics.streamEvents.increment(shared);
    if (delivered) {
      long now = System.currentTimeMillis();
      for (InvalidationEvent e : added) {
        metrics.streamLag.record(Math.max(0, now - e.revokedAtMs()), TimeUnit.MILLISECONDS);
      }
    }
  }

  private void heartbeat() {
    if (!feed.current()) {
      // the feed cannot vouch for what it has not read: silence tells clients to stop trusting this stream
      return;
    }
    for (Subscriber sub : new ArrayList<>(subscribers)) {
      if (sub.closed || !sub.response.headWritten()) {
        continue;
      }
      boolean drained = sub.drained;
      sub.drained = false;
      if (sub.response.writeQueueFull()) {
        sub.stalled = drained ? 0 : sub.stalled + 1;
        if (sub.stalled >= STALLED_HEARTBEATS) {
          drop(sub);
        }
        continue;
      }
      sub.stalled = 0;
      if (sub.live && view.head().isAfter(sub.position)) {
        sub.position = view.head();
        writeId(sub, sub.position, true);
      } else {
        sub.response.write(COMMENT);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Writing

  private void write(Subscriber sub, List<InvalidationEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    head(sub);
    for (InvalidationEvent e : events) {
      if (e.isReset()) {
        metrics.streamResets.increment();
      }
      sub.response.write(e.frame());
    }
    metrics.streamEvents.increment(events.size());
    sub.written = events.get(events.size() - 1).id();
  }

  /** An id-only message (with a comment first on a heartbeat): the client's last event id becomes {@code id}. */
  private void writeId(Subscriber sub, Cursor id, boolean comment) {
    head(sub);
    sub.response.write(Buffer.buffer((comment ? ":\nid: " : "id: ") + id.encode() + "\n\n", "UTF-8"));
    sub.written = id;
  }

  private static void head(Subscriber sub) {
    if (!sub.response.headWritten() && !sub.response.isChunked()) {
      sub.response.setStatusCode(200)
          .setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
          // nginx buffers proxied responses by default; a stream must pass through as it is written
          .putHeader("X-Accel-Buffering", "no");
    }
  }

  private static Buffer concatenated(List<InvalidationEvent> events) {
    if (events.size() == 1) {
      return events.get(0).frame();
    }
    int length = 0;
    for (InvalidationEvent e : events) {
      length += e.size();
    }
    Buffer all = Buffer.buffer(length);
    for (InvalidationEvent e : events) {
      all.appendBuffer(e.frame());
    }
    return all;
  }

  /** Closes a subscriber that stopped reading; it resumes from the last id it received. */
  private void drop(Subscriber sub) {
    metrics.streamDroppedSlow.increment();
    sub.ctx.request().connection().close();
    closed(sub);
  }

  private void closed(Subscriber sub) {
    if (!sub.closed) {
      sub.closed = true;
      subscribers.remove(sub);
      feed.release();
    }
  }

  /** Whether content negotiation chose Server-Sent Events (else JSON). */
  static boolean wantsStream(RoutingContext ctx) {
    return EVENT_STREAM.equals(ctx.getAcceptableContentType());
  }
}
