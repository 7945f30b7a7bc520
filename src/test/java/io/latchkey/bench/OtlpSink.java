package io.latchkey.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP collector stand-in on loopback: it reads each export request, counts it and answers 200,
 * keeping nothing. What a node needs to export spans to it: {@link #environment()}.
 */
final class OtlpSink implements AutoCloseable {

  private final Vertx vertx;
  private final HttpServer server;
  private final AtomicLong exports = new AtomicLong();

  private OtlpSink() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer()
        .requestHandler(req -> req.body().onComplete(b -> {
          exports.incrementAndGet();
          req.response().putHeader("content-type", "application/x-protobuf").end();
        }))
        .listen(0, "127.0.0.1").await();
  }

  static OtlpSink start() {
    return new OtlpSink();
  }

  /** A node's OpenTelemetry variables for exporting every span here over OTLP/HTTP (protobuf). */
  Map<String, String> environment() {
    return Map.of(
        "OTEL_TRACES_EXPORTER", "otlp",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + server.actualPort());
  }

  long exports() {
    return exports.get();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
