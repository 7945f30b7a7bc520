package io.latchkey.config;

import io.latchkey.limit.RateLimit;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of one node, read once at start-up. The names are the environment variables that
 * override conf/config.json (see the README's configuration table).
 */
public record AppConfig(
    String httpHost,
    int httpPort,
    int httpInstances,
    Duration httpShutdownGrace,
    int httpMaxBodyBytes,
    int httpMaxHeaderBytes,
    int httpMaxInitialLineBytes,
    int httpIdleTimeoutSeconds,
    Duration httpHeaderTimeout,
    RateLimitConfig rateLimits,
    Optional<String> databaseUrl,
    Path dataDir,
    int embeddedDbPort,
    String dbSchema,
    int dbPoolSize,
    int dbPoolMaxWaiting,
    Duration dbConnectTimeout,
    Duration dbStatementTimeout,
    Duration healthCheckTimeout,
    Duration eventBusTimeout,
    ApiKeys internalKeys,
    ApiKeys adminKeys,
    SessionCacheConfig sessionCache,
    LastSeenConfig lastSeen,
    Duration revocationPoll,
    Duration signatureMaxSkew,
    long signatureReplayMaxEntries,
    ClusterConfig cluster,
    boolean accessLog,
    String metricsHost,
    int metricsPort) {

  /** The setting names, in the order the README documents them. */
  public static final List<String> NAMES = List.of(
      "HTTP_HOST", "HTTP_PORT", "HTTP_INSTANCES", "HTTP_SHUTDOWN_GRACE_MS", "HTTP_MAX_BODY_BYTES",
      "HTTP_MAX_HEADER_BYTES", "HTTP_MAX_INITIAL_LINE_BYTES", "HTTP_IDLE_TIMEOUT_SECONDS", "HTTP_HEADER_TIMEOUT_MS",
      "HTTP_TRUSTED_PROXY_HOPS",
      "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", "RATE_LIMIT_AUTH_FAILURES_BURST", "RATE_LIMIT_PUBLIC_PER_SECOND",
      "RATE_LIMIT_PUBLIC_BURST", "RATE_LIMIT_MAX_ADDRESSES",
      "INTERNAL_API_KEYS", "ADMIN_API_KEYS",
      "DATABASE_URL", "DATA_DIR", "EMBEDDED_DB_PORT", "DB_SCHEMA", "DB_POOL_SIZE",
      "DB_POOL_MAX_WAITING", "DB_CONNECT_TIMEOUT_MS", "DB_STATEMENT_TIMEOUT_MS", "HEALTH_CHECK_TIMEOUT_MS", "EVENT_BUS_TIMEOUT_MS",
      "SESSION_CACHE_MAX_ENTRIES", "SESSION_CACHE_TTL_SECONDS", "NEGATIVE_CACHE_TTL_MS",
      "NEGATIVE_CACHE_MAX_ENTRIES", "MAX_INFLIGHT_MISSES", "WARMUP_FETCH_SIZE", "WARMUP_RETRY_MS",
      "LAST_SEEN_INTERVAL_MS", "LAST_SEEN_FLUSH_MS", "LAST_SEEN_MAX_PENDING", "REVOCATION_POLL_MS",
      "SESSION_CACHE_MAX_STALENESS_MS",
      "SIGNATURE_MAX_SKEW_SECONDS", "SIGNATURE_REPLAY_MAX_ENTRIES",
      "CLUSTER_ENABLED", "CLUSTER_NAME", "CLUSTER_HOST", "CLUSTER_PORT", "CLUSTER_MEMBERS", "CLUSTER_EVENT_BUS_PORT",
      "CLUSTER_CONFIG", "CLUSTER_TLS_KEY_PATH", "CLUSTER_TLS_CERT_PATH", "CLUSTER_TLS_TRUST_PATH",
      "ACCESS_LOG", "METRICS_HOST", "METRICS_PORT");

  /**
   * Per-client-address limits, kept on each node: failed authentications (an address out of them gets 429
   * from the authenticated tiers until its bucket refills) and requests to the public tier. A rate of 0 is
   * off. {@code trustedProxyHops}: how many reverse proxies append to {@code X-Forwarded-For} in front of
   * the node (0: the TCP peer is the client).
   */
  public record RateLimitConfig(int trustedProxyHops, RateLimit authFailures, RateLimit publicRequests,
      long maxAddresses) {}

  /**
   * Settings of the session verticle's cache, its negative cache, its miss bound and its warm-up.
   * {@code maxStaleness}: how long after its last successful revocation poll a node may still answer
   * "valid" from the cache ({@code ZERO}: for as long as entries live).
   */
  public record SessionCacheConfig(long maxEntries, Duration ttl, Duration negativeTtl, long negativeMaxEntries,
      int maxInflightMisses, int warmupFetchSize, Duration warmupRetry, Duration maxStaleness) {}

  /**
   * Coalesced {@code last_seen_at} writes: each session is marked at most once per {@code interval}; marks
   * are written every {@code flushEvery} in one statement; at most {@code maxPending} wait.
   */
  public record LastSeenConfig(Duration interval, Duration flushEvery, int maxPending) {}

  /**
   * The clustered event bus (Hazelcast): this node's bind host and Hazelcast port, the other members as
   * {@code host:port}, the event-bus port (0 = any free one), the Hazelcast configuration file, and
   * the event bus's TLS (none: plain TCP).
   */
  public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members,
      int eventBusPort, String configFile, Optional<ClusterTlsConfig> tls) {}

  /**
   * Mutual TLS on the clustered event bus: this node's PEM private key and certificate chain, and the PEM
   * certificates (a CA) a peer's certificate must chain to, whichever side opened the connection.
   */
  public record ClusterTlsConfig(Path keyPath, Path certPath, Path trustPath) {}

  /**
   * Builds and validates the configuration from the merged JSON object.
   *
   * @throws ConfigException naming the first setting that is missing or invalid
   */
  public static AppConfig from(JsonObject json) {
    Settings s = new Settings(json);
    int instances = s.intValue("HTTP_INSTANCES", 0, 256);
    ApiKeys internalKeys = ApiKeys.parse("INTERNAL_API_KEYS", s.optionalString("INTERNAL_API_KEYS").orElse(null));
    ApiKeys adminKeys = ApiKeys.parse("ADMIN_API_KEYS", s.optionalString("ADMIN_API_KEYS").orElse(null));
    if (internalKeys.overlaps(adminKeys)) {
      throw new ConfigException("INTERNAL_API_KEYS and ADMIN_API_KEYS must not share a key");
    }
    return new AppConfig(
        s.string("HTTP_HOST"),
        s.intValue("HTTP_PORT", 0, 65535),
        instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
        Duration.ofMillis(s.longValue("HTTP_SHUTDOWN_GRACE_MS", 0, 600_000)),
        s.intValue("HTTP_MAX_BODY_BYTES", 256, 10_485_760),
        s.intValue("HTTP_MAX_HEADER_BYTES", 1024, 1_048_576),
        s.intValue("HTTP_MAX_INITIAL_LINE_BYTES", 256, 1_048_576),
        s.intValue("HTTP_IDLE_TIMEOUT_SECONDS", 0, 86_400),
        Duration.ofMillis(s.longValue("HTTP_HEADER_TIMEOUT_MS", 0, 3_600_000)),
        new RateLimitConfig(
            s.intValue("HTTP_TRUSTED_PROXY_HOPS", 0, 10),
            RateLimit.perMinute(s.longValue("RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 0, 6_000_000),
                s.intValue("RATE_LIMIT_AUTH_FAILURES_BURST", 1, 1_000_000)),
            RateLimit.perSecond(s.longValue("RATE_LIMIT_PUBLIC_PER_SECOND", 0, 1_000_000),
                s.intValue("RATE_LIMIT_PUBLIC_BURST", 1, 1_000_000)),
            s.longValue("RATE_LIMIT_MAX_ADDRESSES", 100, 100_000_000)),
        s.optionalString("DATABASE_URL"),
        Path.of(s.string("DATA_DIR")),
        s.intValue("EMBEDDED_DB_PORT", 0, 65535),
        s.sqlIdentifier("DB_SCHEMA"),
        s.intValue("DB_POOL_SIZE", 1, 1000),
        s.intValue("DB_POOL_MAX_WAITING", 1, 1_000_000),
        Duration.ofMillis(s.longValue("DB_CONNECT_TIMEOUT_MS", 100, 600_000)),
        Duration.ofMillis(s.longValue("DB_STATEMENT_TIMEOUT_MS", 100, 3_600_000)),
        Duration.ofMillis(s.longValue("HEALTH_CHECK_TIMEOUT_MS", 100, 600_000)),
        Duration.ofMillis(s.longValue("EVENT_BUS_TIMEOUT_MS", 100, 600_000)),
        internalKeys,
        adminKeys,
        new SessionCacheConfig(
            s.longValue("SESSION_CACHE_MAX_ENTRIES", 1, 100_000_000),
            Duration.ofSeconds(s.longValue("SESSION_CACHE_TTL_SECONDS", 1, 31_536_000)),
            Duration.ofMillis(s.longValue("NEGATIVE_CACHE_TTL_MS", 1, 3_600_000)),
            s.longValue("NEGATIVE_CACHE_MAX_ENTRIES", 1, 100_000_000),
            s.intValue("MAX_INFLIGHT_MISSES", 1, 100_000),
            s.intValue("WARMUP_FETCH_SIZE", 1, 100_000),
            Duration.ofMillis(s.longValue("WARMUP_RETRY_MS", 10, 600_000)),
            maxStaleness(s)),
        new LastSeenConfig(
            Duration.ofMillis(s.longValue("LAST_SEEN_INTERVAL_MS", 1, 86_400_000)),
            Duration.ofMillis(s.longValue("LAST_SEEN_FLUSH_MS", 10, 86_400_000)),
            s.intValue("LAST_SEEN_MAX_PENDING", 1, 10_000_000)),
        Duration.ofMillis(s.longValue("REVOCATION_POLL_MS", 100, 3_600_000)),
        Duration.ofSeconds(s.longValue("SIGNATURE_MAX_SKEW_SECONDS", 1, 3600)),
        s.longValue("SIGNATURE_REPLAY_MAX_ENTRIES", 1000, 100_000_000),
        new ClusterConfig(
            s.bool("CLUSTER_ENABLED"),
            s.string("CLUSTER_NAME"),
            s.string("CLUSTER_HOST"),
            s.intValue("CLUSTER_PORT", 1, 65535),
            s.hostPorts("CLUSTER_MEMBERS"),
            s.intValue("CLUSTER_EVENT_BUS_PORT", 0, 65535),
            s.string("CLUSTER_CONFIG"),
            clusterTls(s)),
        s.bool("ACCESS_LOG"),
        s.string("METRICS_HOST"),
        s.intValue("METRICS_PORT", 0, 65535));
  }

  /** The three TLS files are given together or not at all, and each must be readable now. */
  private static Optional<ClusterTlsConfig> clusterTls(Settings s) {
    List<String> names = List.of("CLUSTER_TLS_KEY_PATH", "CLUSTER_TLS_CERT_PATH", "CLUSTER_TLS_TRUST_PATH");
    List<String> missing = names.stream().filter(name -> s.optionalString(name).isEmpty()).toList();
    if (missing.size() == names.size()) {
      return Optional.empty();
    }
    if (!missing.isEmpty()) {
      throw new ConfigException(String.join(", ", names) + " must be set together (missing: "
          + String.join(", ", missing) + ")");
    }
    return Optional.of(new ClusterTlsConfig(s.readableFile(names.get(0)), s.readableFile(names.get(1)),
        s.readableFile(names.get(2))));
  }

  /** 0 (off), or long enough for two revocation polls: a node is never stale merely between polls. */
  private static Duration maxStaleness(Settings s) {
    long poll = s.longValue("REVOCATION_POLL_MS", 100, 3_600_000);
    long bound = s.longValue("SESSION_CACHE_MAX_STALENESS_MS", 0, 31_536_000_000L);
    if (bound != 0 && bound < 2 * poll) {
      throw new ConfigException("SESSION_CACHE_MAX_STALENESS_MS must be 0 (off) or at least twice REVOCATION_POLL_MS");
    }
    return Duration.ofMillis(bound);
  }

  /** Never shows the database URL, which may carry a password. */
  @Override
  public String toString() {
    return "AppConfig[http=" + httpHost + ":" + httpPort + " x" + httpInstances + ", database="
        + (databaseUrl.isPresent() ? "DATABASE_URL" : "embedded in " + dataDir) + ", schema=" + dbSchema
        + ", internalKeys=" + internalKeys + ", adminKeys=" + adminKeys + ", cluster=" + cluster + "]";
  }
}
