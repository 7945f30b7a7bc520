package io.latchkey.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;

/**
 * Keeps query strings out of spans. Vert.x's tracer records a server request's query ({@code url.query}) and
 * its whole URL ({@code http.url}); a client that puts a token in a URL (the OAuth endpoints refuse it, 400,
 * but the span is started first) would otherwise see it exported. The query is replaced by
 * {@code [redacted]} as the span starts, before any exporter sees it; the route template, path and status
 * stay.
 */
final class QueryRedaction implements SpanProcessor {

  private static final AttributeKey<String> QUERY = AttributeKey.stringKey("url.query");
  private static final List<AttributeKey<String>> URLS =
      List.of(AttributeKey.stringKey("http.url"), AttributeKey.stringKey("url.full"));
  private static final String REDACTED = "[redacted]";

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    String query = span.getAttribute(QUERY);
    if (query != null && !query.isEmpty()) {
      span.setAttribute(QUERY, REDACTED);
    }
    for (AttributeKey<String> key : URLS) {
      String url = span.getAttribute(key);
      int mark = url == null ? -1 : url.indexOf('?');
      if (mark >= 0) {
        span.setAttribute(key, url.substring(0, mark + 1) + REDACTED);
      }
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
