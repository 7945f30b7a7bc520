package io.latchkey.telemetry;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** {@code %trace} in a log pattern: {@code trace_id=… span_id=…} of the current span, or nothing. */
public final class TraceIdConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    SpanContext span = Span.current().getSpanContext();
    return span.isValid() ? " trace_id=" + span.getTraceId() + " span_id=" + span.getSpanId() : "";
  }
}
