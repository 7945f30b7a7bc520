package io.latchkey.invalidation.impl;

import io.latchkey.config.AppConfig;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Pools;
import io.latchkey.invalidation.Cursor;
import io.latchkey.invalidation.FeedView;
import io.latchkey.invalidation.InvalidationEvent;
import io.latchkey.invalidation.InvalidationFeed;
import io.latchkey.invalidation.Page;
import io.latchkey.telemetry.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link InvalidationFeed}, deployed once, before the HTTP verticles. Its reads run one at a time
 * on its own context and connection; each one starts at the newest view's head and publishes the next view.
 * Readers behind the newest view read PostgreSQL through a small pool of their own.
 *
 * <p>Wake-ups: a notification on {@value #CHANNEL} naming this schema (sent by the log's trigger when a
 * revoking transaction commits), the {@code REVOCATION_POLL_MS} poll, the listener's (re)connection, and a
 * short back-off while a read saw entries held back by an open transaction. The listening connection is
 * pinged on every poll and replaced when the previous ping is still unanswered (a connection silently gone);
 * until it is back, the poll alone bounds the delay.
 */
public final class FeedVerticle extends VerticleBase implements InvalidationFeed {

  private static final Logger LOG = LoggerFactory.getLogger(FeedVerticle.class);
  /** The channel the revocation log's trigger notifies (migration V6); the payload is the schema. */
  static final String CHANNEL = "latchkey_revocations";
  /** Entries per read: the feed's own and a reader's. */
  static final int PAGE_ENTRIES = 5_000;
  private static final int READ_POOL_SIZE = 2;
  private static final long RECONNECT_MS = 1_000;
  /** Re-reads while entries are held back by an open transaction: quick at first, then every second. */
  private static final long[] HELD_BACKOFF_MS = {2, 5, 10, 20, 50, 100, 200, 500, 1000};

  private final DatabaseTarget database;
  private final AppConfig config;
  private final Metrics metrics;
  private final AtomicInteger subscribers = new AtomicInteger();
  private volatile FeedView view;
  private final Duration currentFor;
  /** When the last read of the revocation log succeeded ({@link System#nanoTime}); 0 before the first. */
  private volatile long lastReadNanos;
  private Context feedContext;
  private Pool feedPool;
  private Pool readPool;
  private PgSubscriber listener;
  private boolean pinging;
  private boolean listenerDown;
  private boolean readFailing;
  private boolean reading;
  private boolean again;
  private boolean stopped;
  private int heldReads;
  private long poll = -1;
  private long heldTimer = -1;

  public FeedVerticle(DatabaseTarget database, AppConfig config, Metrics metrics) {
    this.database = database;
    this.config = config;
    this.currentFor = config.revocationPoll().multipliedBy(CURRENT_POLLS);
    this.metrics = metrics;
    Gauge.builder("latchkey.invalidation.stream.subscribers", subscribers, AtomicInteger::get)
        .description("Open invalidation streams (Server-Sent Events) on this node").register(metrics.registry());
  }

  @Override
  public Future<?> start() {
    feedContext = context;
    ViewCodec.register(vertx.eventBus());
    feedPool = Pools.create(vertx, config, database, "latchkey-invalidation-feed", 1);
    readPool = Pools.create(vertx, config, database, "latchkey-invalidation-reads", READ_POOL_SIZE);
    listener = PgSubscriber.subscriber(vertx, database.connectOptions(config.dbSchema(), config.dbStatementTimeout()))
        .reconnectPolicy(retries -> RECONNECT_MS);
    listener.channel(CHANNEL)
        .subscribeHandler(v -> onFeedContext(this::wake))
        .handler(schema -> {
          if (config.dbSchema().equals(schema)) {
            onFeedContext(this::wake);
          }
        });
    poll = vertx.setPeriodic(config.revocationPoll().toMillis(), id -> {
      checkListener();
      wake();
    });
    listen();
    // the node starts with a view (its head) unless PostgreSQL went away since the migrations: then the poll
    // retries, and the stream answers 503 until a read succeeds
    Promise<Void> first = Promise.promise();
    readNow(first);
    return first.future().recover(failure -> Future.succeededFuture());
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(poll);
    vertx.cancelTimer(heldTimer);
    return listener.close().eventually(() -> Future.all(feedPool.close(), readPool.close()));
  }

  @Override
  public FeedView view() {
    return view;
  }

  @Override
  public boolean current() {
    long last = lastReadNanos;
    return last != 0 && System.nanoTime() - last <= currentFor.toNanos();
  }

  @Override
  public Future<Page> read(Cursor after, int limit) {
    FeedView current = view;
    if (current == null) {
      return Future.failedFuture(new IllegalStateException("the invalidation feed has not read PostgreSQL yet"));
    }
    if (!current()) {
      // memory may be missing what was committed since the feed last read: only PostgreSQL can answer
      return after == null
          ? bounded(FeedStore.read(readPool, null, 1).map(read -> new Page(List.of(), read.head())))
          : readStored(after, limit);
    }
    if (after == null) {
      return Future.succeededFuture(new Page(List.of(), current.head()));
    }
    if (current.covers(after)) {
      return Future.succeededFuture(current.page(after, limit));
    }
    return readStored(after, limit);
  }

  @Override
  public Future<Page> readStored(Cursor after, int limit) {
    return bounded(FeedStore.read(readPool, after, PAGE_ENTRIES).map(read -> page(after, read, limit)));
  }

  /**
   * A reader's wait on PostgreSQL, bounded like any request the session verticle answers ({@code
   * EVENT_BUS_TIMEOUT_MS}): a database that hangs (frozen, cut off without a reset) fails the read instead of
   * holding the request.
   */
  private <T> Future<T> bounded(Future<T> read) {
    return read.timeout(config.eventBusTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A reader's page from its cursor: a reset when the cursor is not this stream's or fell behind the retention. */
  static Page page(Cursor after, LogRead read, int limit) {
    Cursor head = read.head();
    if (after.streamId() != read.streamId() || after.xid() > read.xmax()) {
      return new Page(List.of(InvalidationEvent.reset(head, InvalidationEvent.RESET_UNKNOWN)), head);
    }
    if (after.compareTo(read.horizon()) < 0) {
      return new Page(List.of(InvalidationEvent.reset(head, InvalidationEvent.RESET_PRUNED)), head);
    }
    Events.Grouped grouped = Events.group(read.streamId(), read.entries(), limit);
    boolean caughtUp = grouped.entriesUsed() == read.entries().size() && read.entries().size() < PAGE_ENTRIES;
    Cursor next = caughtUp || grouped.events().isEmpty()
        ? Cursor.max(after, head)
        : grouped.events().get(grouped.events().size() - 1).id();
    return new Page(grouped.events(), next);
  }

  @Override
  public boolean admit() {
    while (true) {
      int now = subscribers.get();
      if (now >= config.invalidationStream().maxSubscribers()) {
        return false;
      }
      if (subscribers.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  @Override
  public void release() {
    subscribers.decrementAndGet();
  }

  // ---------------------------------------------------------------------------------------------------
  // Reading, one read at a time, on the feed's context

  private void wake() {
    readNow(null);
  }

  /** Reads now, or right after the read in progress; {@code done} (optional) completes with this read. */
  private void readNow(Promise<Void> done) {
    if (stopped) {
      if (done != null) {
        done.fail("stopped");
      }
      return;
    }
    if (reading) {
      again = true;
      if (done != null) {
        done.complete();
      }
      return;
    }
    reading = true;
    again = false;
    vertx.cancelTimer(heldTimer);
    heldTimer = -1;
    FeedView current = view;
    FeedStore.read(feedPool, current == null ? null : current.head(), PAGE_ENTRIES).onComplete(read -> {
      reading = false;
      lastReadNanos = System.nanoTime();
      if (readFailing) {
        readFailing = false;
        LOG.info("The invalidation feed reads the revocation log again");
      }
      boolean more = apply(read);
      if (done != null) {
        done.complete();
      }
      if (more || again) {
        wake();
      } else if (read.held()) {
        long delay = Math.min(HELD_BACKOFF_MS[Math.min(heldReads++, HELD_BACKOFF_MS.length - 1)],
            config.revocationPoll().toMillis());
        heldTimer = vertx.setTimer(delay, id -> {
          heldTimer = -1;
          wake();
        });
      } else {
        heldReads = 0;
      }
    }, failure -> {
      reading = false;
      if (done != null) {
        done.fail(failure);
      }
      if (stopped) {
        LOG.debug("An invalidation feed read was cut short by the node stopping ({})", failure.toString());
      } else if (!readFailing) {
        readFailing = true;
        LOG.warn("The invalidation feed cannot read the revocation log ({}); retrying every {} ms", failure.toString(),
            config.revocationPoll().toMillis());
      }
    });
  }

  /** Publishes what a read learned; {@code true} when it stopped at its page size (more entries follow). */
  private boolean apply(LogRead read) {
    metrics.feedReads.increment();
    FeedView current = view;
    Cursor head = read.head();
    if (current == null) {
      publish(FeedView.start(0, head));
      return false;
    }
    if (!current.head().sameStream(head) || current.head().compareTo(read.horizon()) < 0) {
      // another database behind the same name, or this feed fell behind the retention: start over from the
      // head; the HTTP verticles move their subscribers to PostgreSQL, which tells each one whether to reset
      LOG.warn("The invalidation feed starts over at the head: {}", current.head().sameStream(head)
          ? "entries after its position were pruned before it read them" : "the database's stream id changed");
      publish(FeedView.start(current.generation() + 1, head));
      return false;
    }
    List<LogRead.Entry> entries = read.entries();
    Events.Grouped grouped = Events.group(read.streamId(), entries, Integer.MAX_VALUE);
    boolean full = entries.size() == PAGE_ENTRIES;
    if (!entries.isEmpty()) {
      heldReads = 0;
    }
    LogRead.Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
    Cursor newHead = full ? new Cursor(read.streamId(), last.xid(), last.seq()) : Cursor.max(current.head(), head);
    publish(current.append(grouped.events(), newHead, config.invalidationStream().bufferBytes()));
    return full;
  }

  private void publish(FeedView next) {
    if (next == view) {
      return;
    }
    view = next;
    vertx.eventBus().publish(VIEWS, next, ViewCodec.OPTIONS);
  }

  // ---------------------------------------------------------------------------------------------------
  // The listening connection

  private void listen() {
    listener.connect().onComplete(connected -> {
      if (listenerDown) {
        listenerDown = false;
        LOG.info("The invalidation feed listens for revocations again");
      }
    }, failure -> {
      // a failed first connection is not retried by the subscriber itself: closed here, connected on a poll
      listener.close();
      if (!listenerDown && !stopped) {
        listenerDown = true;
        LOG.warn("The invalidation feed cannot listen for revocations ({}); polling every {} ms until it can",
            failure.toString(), config.revocationPoll().toMillis());
      }
    });
  }

  /** On every poll: connects a closed listener, and replaces one whose previous ping is still unanswered. */
  private void checkListener() {
    if (stopped) {
      return;
    }
    if (listener.closed()) {
      listen();
      return;
    }
    PgConnection connection = listener.actualConnection();
    if (connection == null) {
      return;
    }
    if (pinging) {
      pinging = false;
      LOG.warn("The invalidation feed's listening connection did not answer a ping within {} ms: reconnecting",
          config.revocationPoll().toMillis());
      connection.close();
      return;
    }
    pinging = true;
    connection.query("SELECT 1").execute().onComplete(answered -> pinging = false);
  }

  private void onFeedContext(Runnable action) {
    if (Vertx.currentContext() == feedContext) {
      action.run();
    } else {
      feedContext.runOnContext(v -> action.run());
    }
  }

  /** Delivery of views: local only, by reference. */
  static final class ViewCodec implements io.vertx.core.eventbus.MessageCodec<FeedView, FeedView> {

    static final String NAME = "latchkey-feed-view";
    static final DeliveryOptions OPTIONS = new DeliveryOptions().setLocalOnly(true).setCodecName(NAME);

    static void register(io.vertx.core.eventbus.EventBus bus) {
      synchronized (ViewCodec.class) {
        try {
          bus.registerCodec(new ViewCodec());
        } catch (IllegalStateException alreadyRegistered) {
          // another feed of this Vert.x (a test's second node) registered it first
        }
      }
    }

    @Override
    public void encodeToWire(io.vertx.core.buffer.Buffer buffer, FeedView view) {
      throw new UnsupportedOperationException("feed views are local-only");
    }

    @Override
    public FeedView decodeFromWire(int pos, io.vertx.core.buffer.Buffer buffer) {
      throw new UnsupportedOperationException("feed views are local-only");
    }

    @Override
    public FeedView transform(FeedView view) {
      return view;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
