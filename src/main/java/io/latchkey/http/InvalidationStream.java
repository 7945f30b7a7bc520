package io.latchkey.http;

import io.latchkey.invalidation.Cursor;
import io.latchkey.invalidation.InvalidationEvent;
import io.latchkey.invalidation.InvalidationFeed;
import io.latchkey.invalidation.Page;
import io.latchkey.telemetry.Metrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/internal/invalidations} (SPEC §5c): every revocation, for gateways that cannot join the
 * cluster. {@code Accept: text/event-stream} opens a Server-Sent Events stream ({@link StreamSubscribers});
 * {@code application/json} (or no preference) answers one page. Both resume from a {@link Cursor}, given as
 * {@code ?after=} or {@code Last-Event-ID} (both: they must be equal); without one they start at the head.
 */
final class InvalidationStream {

  static final String PATH = "/invalidations";
  private static final String LAST_EVENT_ID = "Last-Event-ID";

  private final InvalidationFeed feed;
  private final StreamSubscribers subscribers;
  private final Metrics metrics;

  InvalidationStream(InvalidationFeed feed, StreamSubscribers subscribers, Metrics metrics) {
    this.feed = feed;
    this.subscribers = subscribers;
    this.metrics = metrics;
  }

  /** The route's media types, in order of preference when the client has none ({@code *}{@code /*}). */
  static Route negotiated(Route route) {
    return route.produces("application/json").produces("text/event-stream");
  }

  void handle(RoutingContext ctx) {
    Cursor after = cursor(ctx);
    boolean stream = StreamSubscribers.wantsStream(ctx);
    int limit = stream ? 0 : Inputs.limit(ctx);
    if (stream && Inputs.hasQuery(ctx, "limit")) {
      throw Inputs.invalid("'limit' applies to the application/json representation only.");
    }
    if (!subscribers.available()) {
      throw new ProblemException(Problem.named("unavailable", 503, "Service unavailable",
          "The revocation log has not been read yet on this node."));
    }
    if (stream) {
      subscribers.subscribe(ctx, after);
      return;
    }
    feed.read(after, limit).onComplete(page -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(json(page)), failure -> ctx.fail(new ProblemException(Problem.named("unavailable", 503,
            "Service unavailable", "The revocation log cannot be read right now."))));
  }

  private String json(Page page) {
    List<InvalidationEvent> events = page.events();
    events.stream().filter(InvalidationEvent::isReset).forEach(reset -> metrics.streamResets.increment());
    metrics.streamEvents.increment(events.size());
    return events.stream().map(InvalidationEvent::json).collect(Collectors.joining(",", "{\"events\":[",
        "],\"next\":\"" + page.next().encode() + "\"}"));
  }

  /**
   * The cursor to resume from: {@code after} or {@code Last-Event-ID} (an empty header counts as none, as
   * EventSource never sends one), each at most once, equal when both are given; {@code null} for none.
   */
  private static Cursor cursor(RoutingContext ctx) {
    String query = Inputs.optionalQuery(ctx, "after");
    List<String> headers = ctx.request().headers().getAll(LAST_EVENT_ID);
    if (headers.size() > 1) {
      throw Inputs.invalid("Send one Last-Event-ID header, not several.");
    }
    String header = headers.isEmpty() || headers.get(0).isEmpty() ? null : headers.get(0);
    if (query != null && header != null && !query.equals(header)) {
      throw Inputs.invalid("'after' and Last-Event-ID name different cursors: send one of them.");
    }
    String text = query != null ? query : header;
    if (text == null) {
      return null;
    }
    try {
      return Cursor.parse(text);
    } catch (IllegalArgumentException e) {
      throw Inputs.invalid((query != null ? "'after'" : "Last-Event-ID") + " must be a cursor this API returned "
          + "(an event's id or a page's next).");
    }
  }
}
