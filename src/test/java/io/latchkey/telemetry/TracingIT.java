package io.latchkey.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.Application;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.testing.Api;
import io.latchkey.testing.Eventually;
import io.latchkey.testing.HttpProbe;
import io.latchkey.testing.TestConfig;
import io.latchkey.testing.TestPostgres;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Spans of one request, captured by an in-memory exporter in a real node. */
class TracingIT {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String PARENT_SPAN = "b7ad6b7169203331";

  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static DatabaseTarget database;
  private static Application node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    database = TestPostgres.freshDatabase();
    node = Application.start(TestConfig.forDatabase(database, Map.of("INTERNAL_API_KEYS", "internal-key-0123456789")),
        Telemetry.of(sdk));
    api = new Api(node.httpPort());
    HttpProbe.awaitReady(node.httpPort(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @Test
  @DisplayName("a GET /api/v1/user/me miss is one trace, continued from traceparent: route-named server span, event-bus span, SQL span")
  void oneMissIsOneTrace() throws Exception {
    String account = Api.json(api.post("/api/v1/internal/sessions", "internal-key-0123456789", new JsonObject()
        .put("identity", new JsonObject().put("kind", "email").put("subject", "traced@example.com")).encode()))
        .getString("account_id");
    String token = TestPostgres.insertSession(database, UUID.fromString(account));
    SPANS.reset();

    HttpResponse<String> me = api.get("/api/v1/user/me", token,
        "traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01");
    assertThat(me.statusCode()).isEqualTo(200);

    List<SpanData> trace = Eventually.await(Duration.ofSeconds(10), () -> SPANS.getFinishedSpanItems().stream()
            .filter(s -> s.getTraceId().equals(TRACE_ID)).toList(),
        spans -> spans.stream().anyMatch(s -> s.getName().equals("GET /api/v1/user/me")), "the server span");

    SpanData server = trace.stream().filter(s -> s.getName().equals("GET /api/v1/user/me")).findFirst().orElseThrow();
    assertThat(server.getParentSpanId()).isEqualTo(PARENT_SPAN);
    assertThat(trace).anySatisfy(s -> assertThat(s.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))
        .isEqualTo("latchkey.session.lookup"));
    assertThat(trace).anySatisfy(s -> assertThat(s.getAttributes().get(AttributeKey.stringKey("db.query.text")))
        .contains("WHERE token_hash = $1"));
    assertThat(trace.toString()).doesNotContain(token).doesNotContain(token.substring(3));
  }
}
