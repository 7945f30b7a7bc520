package io.latchkey.gateway.impl;

import com.github.benmanes.caffeine.cache.Ticker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The invalidation stream client ({@code GET /api/v1/internal/invalidations}), on one Vert.x context: every
 * field not marked volatile is touched only there. Its HTTP client is its own (record fetches have theirs), so
 * its connections carry nothing but the stream.
 *
 * <p>Each (re)connection to a node first catches up through the JSON form ({@code ?after=<cursor>}) page by page
 * until a page comes back empty: that answer proves the cache has every revocation committed before the page was
 * asked for, the moment it counts as fresh. With no cursor yet (the first start) the JSON form answers the head;
 * the cache is dropped then, since what it fetched before cannot be checked against the stream. Then it opens the
 * Server-Sent Events form with {@code Last-Event-ID: <cursor>}; every byte that arrives keeps it fresh (the server
 * writes a comment at least every 15 s). When the connection fails, ends, or brings nothing for the idle timeout,
 * it moves on to the next base URL after a pause: the reconnect delay (or the server's {@code retry:}) after a
 * stream that worked, doubling with each failure in a row up to the maximum, with jitter.
 */
final class InvalidationStream {

  /** What the stream tells the cache. Called on the stream's context. */
  interface Sink {

    void revoked(Invalidation invalidation);

    /** Everything cached may be stale and must go (a {@code reset} event, or a start without a cursor). */
    void dropAll();
  }

  static final String PATH = "/api/v1/internal/invalidations";
  private static final int PAGE = 500;
  /** An account-wide event carries up to 500 sessions (~60 KiB); anything far beyond is not latchkey's stream. */
  private static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
  private static final long NEVER = Long.MIN_VALUE;
  private static final Logger LOG = Logger.getLogger(InvalidationStream.class.getName());

  private final Context context;
  private final HttpClient http;
  private final List<String> baseUrls;
  private final String authorization;
  private final Sink sink;
  private final Ticker ticker;
  private final long boundNanos;
  private final long idleTimeoutMs;
  private final long requestTimeoutMs;
  private final long reconnectDelayMs;
  private final long maxReconnectDelayMs;
  private final Promise<Void> started = Promise.promise();
  private final AtomicBoolean starting = new AtomicBoolean();

  private volatile String cursor;
  private volatile int node;
  private volatile boolean connected;
  private volatile long freshAtNanos = NEVER;
  private volatile Long lastHeardAtMs;
  private volatile Long lastEventAtMs;
  private volatile long events;
  private volatile long resets;
  private volatile long reconnects;

  private long retryMs = -1;
  /** When the open connection last brought bytes (System.nanoTime: the idle timeout is real time). */
  private long heardAtNanos;
  private boolean everConnected;
  private int failures;
  private long attempt;
  private boolean closed;
  private long timer = -1;
  private HttpClientRequest current;

  InvalidationStream(Context context, HttpClient http, List<String> baseUrls, String internalKey,
      Sink sink, Ticker ticker, Duration bound, Duration idleTimeout, Duration requestTimeout, Duration reconnectDelay,
      Duration maxReconnectDelay) {
    this.context = context;
    this.http = http;
    this.baseUrls = baseUrls;
    this.authorization = "Bearer " + internalKey;
    this.sink = sink;
    this.ticker = ticker;
    this.boundNanos = bound.toNanos();
    this.idleTimeoutMs = idleTimeout.toMillis();
    this.requestTimeoutMs = requestTimeout.toMillis();
    this.reconnectDelayMs = reconnectDelay.toMillis();
    this.maxReconnectDelayMs = maxReconnectDelay.toMillis();
  }

  /** Opens the stream (once: later calls return the same future). */
  Future<Void> start() {
    if (starting.compareAndSet(false, true)) {
      context.runOnContext(v -> connect());
    }
    return started.future();
  }

  Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      attempt++;
      connected = false;
      if (timer >= 0) {
        context.owner().cancelTimer(timer);
      }
      if (current != null) {
        current.reset();
        current = null;
      }
      started.tryFail("closed");
      done.complete();
    });
    return done.future();
  }

  /** Whether a cached "active" may be answered as it is: the stream was current within the bound. */
  boolean fresh() {
    long at = freshAtNanos;
    return at != NEVER && ticker.read() - at <= boundNanos;
  }

  boolean connected() {
    return connected;
  }

  int node() {
    return node;
  }

  String baseUrl() {
    return baseUrls.get(node);
  }

  String cursor() {
    return cursor;
  }

  Long lastHeardAtMs() {
    return lastHeardAtMs;
  }

  Long lastEventAtMs() {
    return lastEventAtMs;
  }

  long events() {
    return events;
  }

  long resets() {
    return resets;
  }

  long reconnects() {
    return reconnects;
  }

  private void connect() {
    timer = -1;
    if (closed) {
      return;
    }
    long mine = ++attempt;
    String base = baseUrls.get(node);
    catchUp(base, mine)
        .compose(v -> open(base, mine))
        .onFailure(failure -> down(mine, failure));
  }

  /** Pages of the JSON form from the cursor until an empty one. */
  private Future<Void> catchUp(String base, long mine) {
    long askedAt = ticker.read();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(base + PATH + "?limit=" + PAGE
            + (cursor == null ? "" : "&after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)))
        .putHeader("Accept", "application/json")
        .putHeader("Authorization", authorization)
        .setConnectTimeout(requestTimeoutMs)
        .setTimeout(requestTimeoutMs);
    return http.request(options)
        .compose(HttpClientRequest::send)
        .compose(response -> response.body().compose(body -> {
          if (mine != attempt || closed) {
            return Future.failedFuture("superseded");
          }
          if (response.statusCode() != 200) {
            return Future.failedFuture("HTTP " + response.statusCode() + " from " + PATH);
          }
          JsonObject page = body.toJsonObject();
          JsonArray list = page.getJsonArray("events");
          String next = page.getString("next");
          if (list == null || next == null) {
            return Future.failedFuture("a page without 'events' or 'next'");
          }
          if (cursor == null) {
            // the first start: from the head on; what was fetched before cannot be checked against the stream
            advance(next);
            if (cursor == null) {
              return Future.failedFuture("the head is not a usable cursor");
            }
            dropAll();
            markFresh(askedAt);
            return Future.succeededFuture();
          }
          for (int i = 0; i < list.size(); i++) {
            JsonObject event = list.getJsonObject(i);
            apply(event.getString("type"), event, event.getString("id"));
          }
          advance(next);
          if (list.isEmpty()) {
            markFresh(askedAt);
            return Future.succeededFuture();
          }
          return catchUp(base, mine);
        }));
  }

  private Future<Void> open(String base, long mine) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(base + PATH)
        .putHeader("Accept", "text/event-stream")
        .putHeader("Authorization", authorization)
        .putHeader("Last-Event-ID", cursor)
        .setConnectTimeout(requestTimeoutMs);
    return http.request(options).compose(request -> {
      if (mine != attempt || closed) {
        request.reset();
        return Future.failedFuture("superseded");
      }
      current = request;
      return request.send();
    }).compose(response -> {
      if (response.statusCode() != 200 || !String.valueOf(response.getHeader("Content-Type")).startsWith("text/event-stream")) {
        response.request().reset();
        return Future.failedFuture("HTTP " + response.statusCode() + " (" + response.getHeader("Content-Type")
            + ") from the event stream");
      }
      listen(response, mine);
      return Future.succeededFuture();
    });
  }

  private void listen(HttpClientResponse response, long mine) {
    if (everConnected) {
      reconnects++;
    }
    everConnected = true;
    connected = true;
    started.tryComplete();
    SseParser parser = new SseParser(new SseParser.Handler() {
      @Override
      public void onEvent(SseEvent event) {
        JsonObject data;
        try {
          data = new JsonObject(event.data());
        } catch (RuntimeException e) {
          data = null;
        }
        apply(event.type(), data, event.lastEventId());
      }

      @Override
      public void onLastEventId(String lastEventId) {
        advance(lastEventId);
      }

      @Override
      public void onRetry(long millis) {
        retryMs = millis;
      }
    }, cursor, MAX_MESSAGE_BYTES);
    heardAtNanos = System.nanoTime();
    context.owner().setPeriodic(Math.max(10, idleTimeoutMs / 4), id -> {
      if (mine != attempt) {
        context.owner().cancelTimer(id);
      } else if (System.nanoTime() - heardAtNanos > idleTimeoutMs * 1_000_000) {
        context.owner().cancelTimer(id);
        down(mine, new IllegalStateException("no byte for " + idleTimeoutMs + " ms"));
      }
    });
    response.handler(chunk -> {
      if (mine != attempt) {
        return;
      }
      heardAtNanos = System.nanoTime();
      lastHeardAtMs = System.currentTimeMillis();
      try {
        parser.feed(chunk);
      } catch (SseParser.SseLimitException e) {
        response.request().reset();
        down(mine, e);
        return;
      }
      failures = 0;
      markFresh(ticker.read());
    });
    response.exceptionHandler(failure -> down(mine, failure));
    response.endHandler(v -> down(mine, new IllegalStateException("the event stream ended")));
  }

  /** One event, from either form: {@code revoked} marks, {@code reset} drops; the cursor moves past it. */
  private void apply(String type, JsonObject data, String id) {
    if ("revoked".equals(type)) {
      Invalidation invalidation;
      try {
        invalidation = data == null ? null : Invalidation.fromJson(data);
      } catch (IllegalArgumentException e) {
        invalidation = null;
      }
      if (invalidation == null) {
        // what it revoked cannot be read: dropping everything is the one safe way on
        LOG.warning("An unreadable revoked event at " + id + "; dropping the whole cache");
        dropAll();
      } else {
        sink.revoked(invalidation);
      }
      events++;
      lastEventAtMs = System.currentTimeMillis();
    } else if ("reset".equals(type)) {
      dropAll();
      events++;
      lastEventAtMs = System.currentTimeMillis();
    }
    advance(id);
  }

  private void dropAll() {
    sink.dropAll();
    resets++;
  }

  /**
   * Moves the cursor to {@code id}. An empty id would mean "no position" (WHATWG), and resuming from nowhere loses
   * events; an id that could not travel in a header or a query (latchkey's are base64url) would stop every
   * reconnection. Neither is taken: the cursor stays where it was, and resuming from there repeats events, which
   * is harmless.
   */
  private void advance(String id) {
    if (id != null && !id.isEmpty() && id.length() <= 1024 && id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      cursor = id;
    }
  }

  private void markFresh(long at) {
    if (at > freshAtNanos || freshAtNanos == NEVER) {
      freshAtNanos = at;
    }
  }

  private void down(long mine, Throwable failure) {
    if (mine != attempt || closed) {
      return;
    }
    attempt++;
    connected = false;
    if (current != null) {
      current.reset();
      current = null;
    }
    long delay = delay();
    failures++;
    LOG.log(failures == 1 ? Level.WARNING : Level.FINE, "Invalidation stream from " + baseUrls.get(node) + " down (" + failure.getMessage()
        + "); trying the next node in " + delay + " ms");
    node = (node + 1) % baseUrls.size();
    timer = context.owner().setTimer(Math.max(1, delay), id -> connect());
  }

  private long delay() {
    long base = retryMs >= 0 ? Math.min(retryMs, maxReconnectDelayMs) : reconnectDelayMs;
    if (failures == 0) {
      return base;
    }
    long backoff = Math.min(maxReconnectDelayMs, Math.max(base, 50) << Math.min(failures, 20));
    return backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
  }
}
