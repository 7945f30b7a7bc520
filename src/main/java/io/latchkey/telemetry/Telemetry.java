package io.latchkey.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's telemetry: an OpenTelemetry SDK for traces (configured by OpenTelemetry's own variables
 * through the SDK's autoconfiguration: {@code OTEL_TRACES_EXPORTER} none | logging | otlp,
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_SERVICE_NAME}, the sampler, ...) and a Micrometer
 * Prometheus registry for metrics. With the traces exporter {@code none} (the default) no tracer is
 * installed at all, so tracing costs nothing.
 */
public final class Telemetry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private Telemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, PrometheusMeterRegistry registry) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.registry = registry;
    // the JVM's own meters (jvm_memory_*, jvm_gc_*, jvm_threads_*, process_cpu_usage, ...): the dashboard's JVM row
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    this.gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  /** Reads OpenTelemetry's environment variables (and system properties) through the SDK autoconfiguration. */
  public static Telemetry fromEnvironment() {
    String[] exporter = {"none"};
    AutoConfiguredOpenTelemetrySdk configured = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of(
            "otel.traces.exporter", "none",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none",
            "otel.service.name", "latchkey"))
        // this class closes the SDK (at once when tracing is off, else in close()): a shutdown hook of its own
        // would close it a second time and log "Multiple shutdown calls" at every stop
        .disableShutdownHook()
        .addTracerProviderCustomizer((builder, config) -> {
          exporter[0] = String.join(",", config.getList("otel.traces.exporter"));
          return builder.addSpanProcessor(new QueryRedaction());
        })
        .build();
    OpenTelemetrySdk sdk = configured.getOpenTelemetrySdk();
    boolean tracing = !exporter[0].isBlank() && !exporter[0].equals("none");
    if (!tracing) {
      sdk.close();
      return new Telemetry(null, null, newRegistry());
    }
    LOG.info("Tracing on: spans go to the '{}' exporter", exporter[0]);
    return new Telemetry(sdk, sdk, newRegistry());
  }

  /** Telemetry around a given OpenTelemetry (tests pass an SDK with an in-memory exporter). */
  public static Telemetry of(OpenTelemetry openTelemetry) {
    return new Telemetry(openTelemetry, null, newRegistry());
  }

  /** No tracing; metrics only. */
  public static Telemetry metricsOnly() {
    return new Telemetry(null, null, newRegistry());
  }

  private static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Installs the tracer (when tracing is on) and the Micrometer metrics into a Vert.x being built. */
  public VertxBuilder instrument(VertxBuilder builder, VertxOptions options) {
    // HTTP server requests are timed by RequestTiming (by route template); Vert.x's own per-request HTTP
    // meters would repeat them at the cost of a registry look-up per request
    // the event-bus meters carry their address, so the session verticle's backlog shows per operation
    // (vertx_eventbus_pending{address}); the addresses are a fixed handful, so the label costs no cardinality.
    // Vert.x re-registers these gauges as it goes: VertxGaugeWarningFilter drops Micrometer's warning about it
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
        .addLabels(Label.EB_ADDRESS));
    builder.withMetrics(new MicrometerMetricsFactory(registry));
    if (openTelemetry != null) {
      options.setTracingOptions(new OpenTelemetryOptions());
      builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
    }
    return builder.with(options);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public PrometheusMeterRegistry prometheus() {
    return registry;
  }

  public boolean tracing() {
    return openTelemetry != null;
  }

  /** Flushes spans still buffered (within a few seconds) and releases the exporters. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(5, TimeUnit.SECONDS);
    }
    gc.close();
    registry.close();
  }
}
