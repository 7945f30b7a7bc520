package io.latchkey.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The service's own meters (on top of what vertx-micrometer-metrics reports: pools, event bus, HTTP
 * connections). Names follow Micrometer's dotted style; Prometheus shows them with underscores and unit
 * suffixes ({@code latchkey_sessions_created_total}, {@code latchkey_invalidation_lag_seconds}, ...).
 */
public final class Metrics {

  public final Counter sessionsCreated;
  public final Counter sessionsRevoked;
  public final Counter invalidationsPublished;
  public final Counter invalidationsReceived;
  public final Timer invalidationLag;
  public final DistributionSummary lastSeenBatch;
  public final Counter lastSeenDropped;
  private final MeterRegistry registry;

  public Metrics(MeterRegistry registry) {
    this.registry = registry;
    sessionsCreated = Counter.builder("latchkey.sessions.created").description("Sessions created").register(registry);
    sessionsRevoked = Counter.builder("latchkey.sessions.revoked")
        .description("Sessions revoked by this node (one per session, revoke-all counts each)").register(registry);
    invalidationsPublished = Counter.builder("latchkey.invalidations.published")
        .description("Revocation broadcasts published by this node").register(registry);
    invalidationsReceived = Counter.builder("latchkey.invalidations.received")
        .description("Revocation broadcasts applied by this node, its own included").register(registry);
    invalidationLag = Timer.builder("latchkey.invalidation.lag")
        .description("From a broadcast's publication to its application on this node")
        .publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    lastSeenBatch = DistributionSummary.builder("latchkey.last.seen.batch.size")
        .description("Sessions per coalesced last_seen_at write").register(registry);
    lastSeenDropped = Counter.builder("latchkey.last.seen.dropped")
        .description("last_seen_at marks dropped (batch full, or its write failed)").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }
}
