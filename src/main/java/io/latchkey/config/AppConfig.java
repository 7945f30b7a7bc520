package io.latchkey.config;

import io.latchkey.limit.RateLimit;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of one node, read once at start-up. The names are the environment variables that
 * override conf/config.json (see the README's configuration table). {@code forwardAuthTrustedProxies}: the
 * peers (as {@code address/prefix}) whose description of the original request forward auth believes; empty:
 * every peer when {@code HTTP_TRUSTED_PROXY_HOPS} is above 0, else none.
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
    List<String> forwardAuthTrustedProxies,
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
    LoginConfig login,
    SessionCacheConfig sessionCache,
    LastSeenConfig lastSeen,
    SessionLifetimeConfig lifetimes,
    Duration revocationPoll,
    Duration revocationLogRetention,
    InvalidationStreamConfig invalidationStream,
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
      "HTTP_TRUSTED_PROXY_HOPS", "FORWARD_AUTH_TRUSTED_PROXIES",
      "RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", "RATE_LIMIT_AUTH_FAILURES_BURST", "RATE_LIMIT_PUBLIC_PER_SECOND",
      "RATE_LIMIT_PUBLIC_BURST", "RATE_LIMIT_MAX_ADDRESSES",
      "RATE_LIMIT_LOGIN_PER_IDENTITY_PER_MINUTE", "RATE_LIMIT_LOGIN_PER_IDENTITY_BURST",
      "INTERNAL_API_KEYS", "ADMIN_API_KEYS",
      "LOGIN_CODE_TTL_SECONDS", "LOGIN_CODE_MAX_ATTEMPTS", "LOGIN_CODES_PER_HOUR", "LOGIN_CODE_SECRET",
      "SMTP_URL", "EMAIL_FROM",
      "TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_ID", "TELEGRAM_PUBLIC_KEY", "TELEGRAM_AUTH_MAX_AGE_SECONDS",
      "DATABASE_URL", "DATA_DIR", "EMBEDDED_DB_PORT", "DB_SCHEMA", "DB_POOL_SIZE",
      "DB_POOL_MAX_WAITING", "DB_CONNECT_TIMEOUT_MS", "DB_STATEMENT_TIMEOUT_MS", "HEALTH_CHECK_TIMEOUT_MS", "EVENT_BUS_TIMEOUT_MS",
      "SESSION_CACHE_MAX_ENTRIES", "SESSION_CACHE_TTL_SECONDS", "NEGATIVE_CACHE_TTL_MS",
      "NEGATIVE_CACHE_MAX_ENTRIES", "MAX_INFLIGHT_MISSES", "WARMUP_FETCH_SIZE", "WARMUP_RETRY_MS",
      "LAST_SEEN_INTERVAL_MS", "LAST_SEEN_FLUSH_MS", "LAST_SEEN_MAX_PENDING",
      "SESSION_MAX_LIFETIME_SECONDS", "SESSION_IDLE_TIMEOUT_SECONDS", "REVOCATION_POLL_MS",
      "SESSION_CACHE_MAX_STALENESS_MS", "REVOCATION_LOG_RETENTION_SECONDS",
      "INVALIDATION_STREAM_MAX_SUBSCRIBERS", "INVALIDATION_STREAM_HEARTBEAT_MS", "INVALIDATION_STREAM_WRITE_QUEUE_BYTES",
      "INVALIDATION_STREAM_BUFFER_BYTES",
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
   * The public tier's logins (SPEC §5d). Email one-time codes: their lifetime, the wrong guesses an address
   * gets (across its challenges of the past hour), the challenges an address gets per hour, the key codes
   * are hashed with (unset: generated under {@code DATA_DIR} on the embedded default), where mail goes
   * (unset: {@code DATA_DIR/outbox} on the embedded default, else email login is off) and its sender.
   * Telegram: the bot token (HMAC checks) or only the bot id (Ed25519 checks of Mini App data under
   * {@code telegramPublicKey}), and how old {@code auth_date} may be. {@code perIdentity}: logins each
   * address or Telegram user may start, on each node.
   */
  public record LoginConfig(Duration codeTtl, int codeMaxAttempts, int codesPerHour, Optional<String> codeSecret,
      Optional<SmtpUrl> smtp, String emailFrom, Optional<String> telegramBotToken, Optional<Long> telegramBotId,
      byte[] telegramPublicKey, Duration telegramAuthMaxAge, RateLimit perIdentity) {

    private static final Pattern BOT_TOKEN = Pattern.compile("([1-9][0-9]{0,18}):[A-Za-z0-9_-]{20,}");
    private static final Pattern HEX_KEY = Pattern.compile("[0-9a-fA-F]{64}");

    static LoginConfig from(Settings s, boolean embedded) {
      Optional<String> secret = s.optionalString("LOGIN_CODE_SECRET");
      if (secret.isPresent() && secret.get().length() < 32) {
        throw new ConfigException("LOGIN_CODE_SECRET must be at least 32 characters");
      }
      Optional<SmtpUrl> smtp = s.optionalString("SMTP_URL").map(SmtpUrl::parse);
      if (smtp.isPresent() && !embedded && secret.isEmpty()) {
        throw new ConfigException("LOGIN_CODE_SECRET must be set (at least 32 characters, the same on every node) "
            + "when SMTP_URL is set with DATABASE_URL: email codes are stored hashed with it");
      }
      String from = s.string("EMAIL_FROM");
      if (from.indexOf('@') < 0 || from.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new ConfigException("EMAIL_FROM must be a mail address (optionally \"Name <address>\") on one line");
      }
      Optional<String> token = s.optionalString("TELEGRAM_BOT_TOKEN");
      Matcher tokenParts = token.map(BOT_TOKEN::matcher).orElse(null);
      if (tokenParts != null && !tokenParts.matches()) {
        throw new ConfigException("TELEGRAM_BOT_TOKEN must be a bot token as BotFather gives it (<bot id>:<secret>)");
      }
      Optional<Long> botId = s.optionalString("TELEGRAM_BOT_ID").isEmpty()
          ? Optional.empty()
          : Optional.of(s.longValue("TELEGRAM_BOT_ID", 1, Long.MAX_VALUE));
      if (tokenParts != null && botId.isPresent() && !tokenParts.group(1).equals(botId.get().toString())) {
        throw new ConfigException("TELEGRAM_BOT_ID must be the id the TELEGRAM_BOT_TOKEN starts with");
      }
      String publicKey = s.string("TELEGRAM_PUBLIC_KEY");
      if (!HEX_KEY.matcher(publicKey).matches()) {
        throw new ConfigException("TELEGRAM_PUBLIC_KEY must be an Ed25519 public key as 64 hex digits");
      }
      return new LoginConfig(
          Duration.ofSeconds(s.longValue("LOGIN_CODE_TTL_SECONDS", 1, 86_400)),
          s.intValue("LOGIN_CODE_MAX_ATTEMPTS", 1, 100),
          s.intValue("LOGIN_CODES_PER_HOUR", 1, 1000),
          secret,
          smtp,
          from,
          token,
          botId,
          HexFormat.of().parseHex(publicKey),
          Duration.ofSeconds(s.longValue("TELEGRAM_AUTH_MAX_AGE_SECONDS", 1, 31_536_000)),
          RateLimit.perMinute(s.longValue("RATE_LIMIT_LOGIN_PER_IDENTITY_PER_MINUTE", 0, 6_000_000),
              s.intValue("RATE_LIMIT_LOGIN_PER_IDENTITY_BURST", 1, 1_000_000)));
    }

    /** Never shows the code secret or the bot token. */
    @Override
    public String toString() {
      return "LoginConfig[smtp=" + smtp.map(SmtpUrl::toString).orElse("unset") + ", telegram="
          + (telegramBotToken.isPresent() ? "bot token" : telegramBotId.map(id -> "bot id " + id).orElse("unset")) + "]";
    }
  }

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
   * How long a session may live (SPEC §5b): {@code maxLifetime} from its creation, {@code idleTimeout} since
   * its last use on any node; {@code ZERO} turns each off. An idle timeout is at least twice
   * {@code LAST_SEEN_INTERVAL_MS + LAST_SEEN_FLUSH_MS}, the most a use on another node can be late in
   * PostgreSQL.
   */
  public record SessionLifetimeConfig(Duration maxLifetime, Duration idleTimeout) {}

  /**
   * The invalidation stream (SPEC §5c) of one node: at most {@code maxSubscribers} open streams; a comment
   * (and the head cursor, when it moved) every {@code heartbeat}, which is at most half
   * {@code HTTP_IDLE_TIMEOUT_SECONDS} so an idle stream is never taken for an idle connection; a subscriber
   * whose unsent data exceeds {@code writeQueueBytes} is dropped; the recent events served from memory
   * take at most {@code bufferBytes}.
   */
  public record InvalidationStreamConfig(int maxSubscribers, Duration heartbeat, int writeQueueBytes,
      long bufferBytes) {}

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
        s.ipBlocks("FORWARD_AUTH_TRUSTED_PROXIES"),
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
        LoginConfig.from(s, s.optionalString("DATABASE_URL").isEmpty()),
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
        lifetimes(s),
        Duration.ofMillis(s.longValue("REVOCATION_POLL_MS", 100, 3_600_000)),
        Duration.ofSeconds(s.longValue("REVOCATION_LOG_RETENTION_SECONDS", 3600, 31_536_000)),
        invalidationStream(s),
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

  /**
   * Both 0 (off) or up to ten years. Idleness across nodes is judged from {@code last_seen_at}, which trails
   * a use on another node by up to {@code LAST_SEEN_INTERVAL_MS + LAST_SEEN_FLUSH_MS}: an idle timeout not
   * comfortably above that would be mostly slack, so it must be at least twice as long.
   */
  private static SessionLifetimeConfig lifetimes(Settings s) {
    long max = s.longValue("SESSION_MAX_LIFETIME_SECONDS", 0, 315_360_000);
    long idle = s.longValue("SESSION_IDLE_TIMEOUT_SECONDS", 0, 315_360_000);
    long lag = s.longValue("LAST_SEEN_INTERVAL_MS", 1, 86_400_000) + s.longValue("LAST_SEEN_FLUSH_MS", 10, 86_400_000);
    if (idle != 0 && idle * 1000 < 2 * lag) {
      throw new ConfigException("SESSION_IDLE_TIMEOUT_SECONDS must be 0 (off) or at least twice LAST_SEEN_INTERVAL_MS + "
          + "LAST_SEEN_FLUSH_MS (here " + (2 * lag + 999) / 1000 + " s): a use on another node reaches PostgreSQL's "
          + "last_seen_at up to LAST_SEEN_INTERVAL_MS + LAST_SEEN_FLUSH_MS late, and idleness is judged from it");
    }
    return new SessionLifetimeConfig(Duration.ofSeconds(max), Duration.ofSeconds(idle));
  }

  /** The heartbeat is capped at half the idle timeout, so the server never closes an idle stream as idle. */
  private static InvalidationStreamConfig invalidationStream(Settings s) {
    long heartbeat = s.longValue("INVALIDATION_STREAM_HEARTBEAT_MS", 100, 15_000);
    long idle = s.longValue("HTTP_IDLE_TIMEOUT_SECONDS", 0, 86_400);
    if (idle > 0) {
      heartbeat = Math.min(heartbeat, idle * 1000 / 2);
    }
    return new InvalidationStreamConfig(
        s.intValue("INVALIDATION_STREAM_MAX_SUBSCRIBERS", 1, 1_000_000),
        Duration.ofMillis(heartbeat),
        s.intValue("INVALIDATION_STREAM_WRITE_QUEUE_BYTES", 4096, 67_108_864),
        s.longValue("INVALIDATION_STREAM_BUFFER_BYTES", 65_536, 1_073_741_824));
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
