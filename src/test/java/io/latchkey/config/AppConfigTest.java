package io.latchkey.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.limit.RateLimit;
import io.latchkey.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

  @Test
  void shippedDefaultsMatchTheDocumentedOnes() {
    AppConfig config = AppConfig.from(TestConfig.defaults());

    assertThat(config.httpHost()).isEqualTo("0.0.0.0");
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.httpInstances()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.databaseUrl()).isEmpty();
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.dbSchema()).isEqualTo("latchkey");
    assertThat(config.sessionCache().maxEntries()).isEqualTo(1_000_000);
    assertThat(config.sessionCache().ttl()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void shippedLimitsAreOnAndTrustNoForwardedHeader() {
    AppConfig config = AppConfig.from(TestConfig.defaults());

    assertThat(config.httpMaxHeaderBytes()).isEqualTo(8192);
    assertThat(config.httpMaxInitialLineBytes()).isEqualTo(4096);
    assertThat(config.rateLimits().trustedProxyHops()).isZero();
    assertThat(config.rateLimits().authFailures()).isEqualTo(RateLimit.perMinute(30, 20));
    assertThat(config.rateLimits().publicRequests()).isEqualTo(RateLimit.perSecond(10, 20));
    assertThat(config.rateLimits().maxAddresses()).isEqualTo(100_000);
  }

  @Test
  void aRateOfZeroTurnsALimitOffAndBadLimitsAreNamed() {
    AppConfig off = AppConfig.from(TestConfig.defaults()
        .put("RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", "0").put("RATE_LIMIT_PUBLIC_PER_SECOND", "0"));

    assertThat(off.rateLimits().authFailures().isOff()).isTrue();
    assertThat(off.rateLimits().publicRequests().isOff()).isTrue();
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("RATE_LIMIT_AUTH_FAILURES_BURST", "0")))
        .hasMessageStartingWith("RATE_LIMIT_AUTH_FAILURES_BURST");
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("RATE_LIMIT_PUBLIC_PER_SECOND", "-1")))
        .hasMessageStartingWith("RATE_LIMIT_PUBLIC_PER_SECOND");
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("HTTP_TRUSTED_PROXY_HOPS", "yes")))
        .hasMessageStartingWith("HTTP_TRUSTED_PROXY_HOPS");
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("HTTP_MAX_HEADER_BYTES", "100")))
        .hasMessageStartingWith("HTTP_MAX_HEADER_BYTES");
  }

  @Test
  void forwardAuthTrustsNoProxyUnlessTold() {
    assertThat(AppConfig.from(TestConfig.defaults()).forwardAuthTrustedProxies()).isEmpty();

    AppConfig config = AppConfig.from(TestConfig.defaults()
        .put("FORWARD_AUTH_TRUSTED_PROXIES", " 10.0.0.0/8, 192.0.2.7 ,, 2001:db8::/32, ::1"));

    assertThat(config.forwardAuthTrustedProxies())
        .containsExactly("10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32", "::1/128");
    for (String bad : List.of("proxy.internal", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1",
        "10.0.0.256", "localhost/32")) {
      assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("FORWARD_AUTH_TRUSTED_PROXIES", bad)))
          .as(bad).hasMessageStartingWith("FORWARD_AUTH_TRUSTED_PROXIES").hasMessageNotContaining(bad);
    }
  }

  @Test
  void everySettingCanComeFromTheEnvironmentAndHasADefault() {
    JsonObject defaults = TestConfig.defaults();
    for (String name : AppConfig.NAMES) {
      boolean secretOrOptional = name.endsWith("_API_KEYS") || name.equals("DATABASE_URL") || name.equals("CLUSTER_MEMBERS")
          || List.of("LOGIN_CODE_SECRET", "SMTP_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_ID").contains(name);
      assertThat(defaults.containsKey(name) || secretOrOptional).as(name + " in conf/config.json").isTrue();
    }
    assertThat(AppConfig.NAMES).containsAll(defaults.fieldNames());
  }

  @Test
  void theStreamHeartbeatStaysWithinHalfTheIdleTimeout() {
    assertThat(AppConfig.from(TestConfig.defaults()).invalidationStream().heartbeat()).isEqualTo(Duration.ofSeconds(10));
    assertThat(AppConfig.from(TestConfig.defaults().put("HTTP_IDLE_TIMEOUT_SECONDS", "8")).invalidationStream().heartbeat())
        .isEqualTo(Duration.ofSeconds(4));
    assertThat(AppConfig.from(TestConfig.defaults().put("HTTP_IDLE_TIMEOUT_SECONDS", "0")).invalidationStream().heartbeat())
        .isEqualTo(Duration.ofSeconds(10));
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("INVALIDATION_STREAM_HEARTBEAT_MS", "15001")))
        .hasMessageStartingWith("INVALIDATION_STREAM_HEARTBEAT_MS");
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("INVALIDATION_STREAM_MAX_SUBSCRIBERS", "0")))
        .hasMessageStartingWith("INVALIDATION_STREAM_MAX_SUBSCRIBERS");
  }

  @Test
  void sessionLifetimesAreOffByDefault() {
    AppConfig config = AppConfig.from(TestConfig.defaults());

    assertThat(config.lifetimes().maxLifetime()).isZero();
    assertThat(config.lifetimes().idleTimeout()).isZero();
  }

  @Test
  void anIdleTimeoutMustBeAtLeastTwiceTheLastSeenLag() {
    // the defaults: marks at most every 60 s, written every 5 s: an idle timeout of at least 130 s
    AppConfig config = AppConfig.from(TestConfig.defaults()
        .put("SESSION_IDLE_TIMEOUT_SECONDS", "130").put("SESSION_MAX_LIFETIME_SECONDS", "86400"));
    assertThat(config.lifetimes().idleTimeout()).isEqualTo(Duration.ofSeconds(130));
    assertThat(config.lifetimes().maxLifetime()).isEqualTo(Duration.ofDays(1));

    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("SESSION_IDLE_TIMEOUT_SECONDS", "129")))
        .hasMessageStartingWith("SESSION_IDLE_TIMEOUT_SECONDS")
        .hasMessageContaining("LAST_SEEN_INTERVAL_MS").hasMessageContaining("LAST_SEEN_FLUSH_MS")
        .hasMessageContaining("130 s");
    assertThat(AppConfig.from(TestConfig.defaults().put("SESSION_IDLE_TIMEOUT_SECONDS", "2")
        .put("LAST_SEEN_INTERVAL_MS", "500").put("LAST_SEEN_FLUSH_MS", "500")).lifetimes().idleTimeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("SESSION_IDLE_TIMEOUT_SECONDS", "2")
        .put("LAST_SEEN_INTERVAL_MS", "600").put("LAST_SEEN_FLUSH_MS", "500")))
        .hasMessageStartingWith("SESSION_IDLE_TIMEOUT_SECONDS");
  }

  @Test
  void badLifetimesAreNamed() {
    for (String bad : List.of("-1", "1.5", "forever", "315360001")) {
      assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("SESSION_MAX_LIFETIME_SECONDS", bad)))
          .hasMessageStartingWith("SESSION_MAX_LIFETIME_SECONDS");
      assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("SESSION_IDLE_TIMEOUT_SECONDS", bad)))
          .hasMessageStartingWith("SESSION_IDLE_TIMEOUT_SECONDS");
    }
  }

  @Test
  void theCacheStalenessBoundIsAMinuteByDefaultAndNeverShorterThanTwoPolls() {
    assertThat(AppConfig.from(TestConfig.defaults()).sessionCache().maxStaleness()).isEqualTo(Duration.ofMinutes(1));
    assertThat(AppConfig.from(TestConfig.defaults().put("SESSION_CACHE_MAX_STALENESS_MS", "0")).sessionCache()
        .maxStaleness()).isZero();
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults()
        .put("REVOCATION_POLL_MS", "5000").put("SESSION_CACHE_MAX_STALENESS_MS", "9999")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("SESSION_CACHE_MAX_STALENESS_MS must be 0 (off) or at least twice REVOCATION_POLL_MS");
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("SESSION_CACHE_MAX_STALENESS_MS", "-1")))
        .hasMessageStartingWith("SESSION_CACHE_MAX_STALENESS_MS");
  }

  @Test
  void environmentStringsOverrideFileValues() {
    JsonObject json = TestConfig.defaults()
        .put("HTTP_PORT", "9090")
        .put("HTTP_INSTANCES", "3")
        .put("DB_SCHEMA", "tenant_a")
        .put("DATABASE_URL", "postgresql://svc:pw@db.internal:6543/accounts");

    AppConfig config = AppConfig.from(json);

    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.httpInstances()).isEqualTo(3);
    assertThat(config.dbSchema()).isEqualTo("tenant_a");
    assertThat(config.databaseUrl()).contains("postgresql://svc:pw@db.internal:6543/accounts");
  }

  @Test
  void blankDatabaseUrlMeansEmbedded() {
    assertThat(AppConfig.from(TestConfig.defaults().put("DATABASE_URL", "  ")).databaseUrl()).isEmpty();
  }

  @Test
  void invalidNumbersNameTheSetting() {
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("HTTP_PORT", "http")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("HTTP_PORT must be an integer between 0 and 65535");
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("DB_POOL_SIZE", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("DB_POOL_SIZE");
  }

  @Test
  void schemaMustBeAPlainIdentifier() {
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("DB_SCHEMA", "x; DROP TABLE y")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("DB_SCHEMA");
  }

  @Test
  void missingRequiredSettingIsNamed() {
    JsonObject json = TestConfig.defaults();
    json.remove("HTTP_HOST");
    assertThatThrownBy(() -> AppConfig.from(json)).hasMessage("HTTP_HOST must be set");
  }

  @Test
  void databaseUrlParsesAndNeverPrintsItsPassword() {
    DatabaseTarget target = DatabaseTarget.fromUrl("postgresql://svc:s3cret@db.internal:6543/accounts");

    assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/accounts");
    assertThat(target.user()).isEqualTo("svc");
    assertThat(target.password()).isEqualTo("s3cret");
    assertThat(target.toString()).doesNotContain("s3cret");
    assertThatThrownBy(() -> DatabaseTarget.fromUrl("mysql://svc:s3cret@db/x"))
        .isInstanceOf(ConfigException.class)
        .message().doesNotContain("s3cret");
  }

  @Test
  void keyFamiliesMustNotShareAKeyAndConfigNeverPrintsSecrets() {
    JsonObject json = TestConfig.defaults()
        .put("INTERNAL_API_KEYS", "shared-key-0123456789")
        .put("ADMIN_API_KEYS", "shared-key-0123456789");
    assertThatThrownBy(() -> AppConfig.from(json)).isInstanceOf(ConfigException.class)
        .hasMessage("INTERNAL_API_KEYS and ADMIN_API_KEYS must not share a key");

    AppConfig config = AppConfig.from(TestConfig.defaults()
        .put("INTERNAL_API_KEYS", "internal-key-0123456789")
        .put("DATABASE_URL", "postgresql://svc:s3cret@db:5432/x"));
    assertThat(config.toString()).doesNotContain("internal-key").doesNotContain("s3cret");
    assertThat(config.internalKeys().matches("internal-key-0123456789")).isTrue();
    assertThat(config.adminKeys().isEmpty()).isTrue();
  }

  @Test
  void logSettingsTakeTheDocumentedValuesAndNameABadOne() {
    LogSettings.check(Map.of());
    LogSettings.check(Map.of("LOG_FORMAT", "text", "LOG_LEVEL", "INFO"));
    LogSettings.check(Map.of("LOG_FORMAT", "json", "LOG_LEVEL", "warn"));
    LogSettings.check(Map.of("LOG_LEVEL", "Debug"));

    for (String format : new String[] {"xml", "JSON", "", " json"}) {
      assertThatThrownBy(() -> LogSettings.check(Map.of("LOG_FORMAT", format))).as(format)
          .isInstanceOf(ConfigException.class).hasMessage("LOG_FORMAT must be text or json (unset: text)");
    }
    for (String level : new String[] {"bogus", "", "verbose", "INFO "}) {
      assertThatThrownBy(() -> LogSettings.check(Map.of("LOG_FORMAT", "json", "LOG_LEVEL", level))).as(level)
          .isInstanceOf(ConfigException.class)
          .hasMessage("LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, in any case (unset: INFO)");
    }
  }

  @Test
  void clusterTlsIsOffByDefaultAndTakesThreeReadableFilesTogether(@TempDir Path dir) throws IOException {
    assertThat(AppConfig.from(TestConfig.defaults()).cluster().tls()).isEmpty();

    Path key = Files.writeString(dir.resolve("node.key"), "key");
    Path cert = Files.writeString(dir.resolve("node.crt"), "cert");
    Path trust = Files.writeString(dir.resolve("ca.crt"), "ca");
    JsonObject all = TestConfig.defaults().put("CLUSTER_TLS_KEY_PATH", key.toString())
        .put("CLUSTER_TLS_CERT_PATH", cert.toString()).put("CLUSTER_TLS_TRUST_PATH", trust.toString());
    assertThat(AppConfig.from(all).cluster().tls())
        .contains(new AppConfig.ClusterTlsConfig(key, cert, trust));

    assertThatThrownBy(() -> AppConfig.from(all.copy().put("CLUSTER_TLS_TRUST_PATH", "")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("CLUSTER_TLS_KEY_PATH, CLUSTER_TLS_CERT_PATH, CLUSTER_TLS_TRUST_PATH must be set together "
            + "(missing: CLUSTER_TLS_TRUST_PATH)");
    assertThatThrownBy(() -> AppConfig.from(TestConfig.defaults().put("CLUSTER_TLS_CERT_PATH", cert.toString())))
        .hasMessageEndingWith("(missing: CLUSTER_TLS_KEY_PATH, CLUSTER_TLS_TRUST_PATH)");
    assertThatThrownBy(() -> AppConfig.from(all.copy().put("CLUSTER_TLS_KEY_PATH", dir.resolve("none.key").toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("CLUSTER_TLS_KEY_PATH names a file that does not exist or cannot be read");
    assertThatThrownBy(() -> AppConfig.from(all.copy().put("CLUSTER_TLS_CERT_PATH", dir.toString())))
        .hasMessageStartingWith("CLUSTER_TLS_CERT_PATH names a file that does not exist or cannot be read");
  }
}
