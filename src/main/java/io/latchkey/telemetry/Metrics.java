package io.latchkey.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The service's own meters (on top of what vertx-micrometer-metrics reports: pools, event bus, HTTP
 * connections). Names follow Micrometer's dotted style; Prometheus shows them with underscores and unit
 * suffixes ({@code latchkey_session_creations_total}, {@code latchkey_invalidation_lag_seconds}, ...).
 */
public final class Metrics {

  /** Histogram buckets of every latency meter: few enough to keep the scrape small, fine enough below 10 ms. */
  public static final Duration[] LATENCY_BUCKETS = {
      Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(5)};

  public final Counter sessionsCreated;
  public final DistributionSummary createBatch;
  public final Counter sessionsRevoked;
  public final Counter invalidationsPublished;
  public final Counter invalidationsReceived;
  public final Timer invalidationLag;
  public final DistributionSummary lastSeenBatch;
  public final Counter lastSeenDropped;
  public final Counter revocationPolls;
  public final Counter databaseChecks;
  public final Counter streamEvents;
  public final Counter streamDroppedSlow;
  public final Counter streamRefused;
  public final Counter streamResets;
  public final Timer streamLag;
  public final Counter feedReads;
  private final MeterRegistry registry;

  public Metrics(MeterRegistry registry) {
    this.registry = registry;
    sessionsCreated = Counter.builder("latchkey.session.creations").description("Sessions created (a metric name may not end in _created)").register(registry);
    createBatch = DistributionSummary.builder("latchkey.session.create.batch.size")
        .description("Creates written by one INSERT and one commit (the group commit of creates arriving together)")
        .register(registry);
    sessionsRevoked = Counter.builder("latchkey.session.revocations")
        .description("Sessions revoked by this node (one per session, revoke-all counts each)").register(registry);
    invalidationsPublished = Counter.builder("latchkey.invalidations.published")
        .description("Revocation broadcasts published by this node").register(registry);
    invalidationsReceived = Counter.builder("latchkey.invalidations.received")
        .description("Revocation broadcasts applied by this node, its own included").register(registry);
    invalidationLag = Timer.builder("latchkey.invalidation.lag")
        .description("From a broadcast's publication to its application on this node")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
    lastSeenBatch = DistributionSummary.builder("latchkey.last.seen.batch.size")
        .description("Sessions per coalesced last_seen_at write").register(registry);
    lastSeenDropped = Counter.builder("latchkey.last.seen.dropped")
        .description("last_seen_at marks dropped (batch full, or its write failed)").register(registry);
    revocationPolls = Counter.builder("latchkey.revocation.polls")
        .description("Safety-net polls of PostgreSQL's revocations that succeeded").register(registry);
    databaseChecks = Counter.builder("latchkey.database.checks")
        .description("SELECT 1 readiness checks sent to PostgreSQL (at most one a second, however many ask)")
        .register(registry);
    streamEvents = Counter.builder("latchkey.invalidation.stream.events")
        .description("Invalidation-stream events written to subscribers (one per event and subscriber)").register(registry);
    streamDroppedSlow = Counter.builder("latchkey.invalidation.stream.dropped")
        .description("Invalidation-stream subscribers closed by the node").tag("cause", "slow").register(registry);
    streamRefused = Counter.builder("latchkey.invalidation.stream.refused")
        .description("Invalidation-stream requests refused with 503: the node serves its maximum of subscribers")
        .register(registry);
    streamResets = Counter.builder("latchkey.invalidation.stream.resets")
        .description("Reset events sent: a cursor older than the revocation log's retention, or not this database's")
        .register(registry);
    streamLag = Timer.builder("latchkey.invalidation.stream.lag")
        .description("From a revocation (its revoked_at, PostgreSQL's clock) to its event written to this node's "
            + "subscribers")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
    feedReads = Counter.builder("latchkey.invalidation.feed.reads")
        .description("Reads of the revocation log by this node's invalidation feed (woken by NOTIFY, a poll, or a "
            + "transaction holding entries back)").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }
}
