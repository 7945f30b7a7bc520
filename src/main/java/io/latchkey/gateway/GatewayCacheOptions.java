package io.latchkey.gateway;

import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link GatewayCache} is sized, where it finds latchkey, and how it behaves when the invalidation stream
 * is down. Only {@link #setBaseUrls base URLs} and the {@link #setInternalKey internal key} are required.
 */
public final class GatewayCacheOptions {

  public static final long DEFAULT_MAX_SIZE = 100_000;
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
  public static final Duration DEFAULT_FRESHNESS_BOUND = Duration.ofSeconds(30);
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(20);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofMillis(100);
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(5);

  private final List<String> baseUrls = new ArrayList<>();
  private String internalKey;
  private long maxSize = DEFAULT_MAX_SIZE;
  private Duration ttl = DEFAULT_TTL;
  private Duration freshnessBound = DEFAULT_FRESHNESS_BOUND;
  private StalePolicy stalePolicy = StalePolicy.FAIL_CLOSED;
  private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
  private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
  private Duration reconnectDelay = DEFAULT_RECONNECT_DELAY;
  private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
  private WebClientOptions webClientOptions = new WebClientOptions();

  /**
   * The latchkey nodes to use, e.g. {@code http://10.0.0.1:8080} (no path). The stream is read from one at a
   * time, moving on to the next when it fails; record fetches start with the node the stream uses and try the
   * others when it does not answer.
   */
  public GatewayCacheOptions setBaseUrls(List<String> baseUrls) {
    this.baseUrls.clear();
    for (String url : baseUrls) {
      this.baseUrls.add(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }
    return this;
  }

  public List<String> getBaseUrls() {
    return List.copyOf(baseUrls);
  }

  /** One of latchkey's {@code INTERNAL_API_KEYS}, sent as {@code Authorization: Bearer <key>}. */
  public GatewayCacheOptions setInternalKey(String internalKey) {
    this.internalKey = internalKey;
    return this;
  }

  public String getInternalKey() {
    return internalKey;
  }

  /** Records held at most; the least recently used go first. */
  public GatewayCacheOptions setMaxSize(long maxSize) {
    this.maxSize = maxSize;
    return this;
  }

  public long getMaxSize() {
    return maxSize;
  }

  /**
   * How long a record is kept after it was fetched. Revocations arrive by the stream, so this bounds memory and
   * how long an entry outlives a lost cache drop, not how fast revocations are seen.
   */
  public GatewayCacheOptions setTtl(Duration ttl) {
    this.ttl = ttl;
    return this;
  }

  public Duration getTtl() {
    return ttl;
  }

  /**
   * How long the stream may be down (not connected, or no bytes at all: latchkey sends a comment at least every
   * 15 s, so keep this above that) before a cached "active" is no longer answered as it is, but as
   * {@link #setStalePolicy the policy} says. A revocation reaches the gateway within latchkey's own propagation
   * bound plus this.
   */
  public GatewayCacheOptions setFreshnessBound(Duration freshnessBound) {
    this.freshnessBound = freshnessBound;
    return this;
  }

  public Duration getFreshnessBound() {
    return freshnessBound;
  }

  public GatewayCacheOptions setStalePolicy(StalePolicy stalePolicy) {
    this.stalePolicy = stalePolicy;
    return this;
  }

  public StalePolicy getStalePolicy() {
    return stalePolicy;
  }

  /** A stream connection that brings no byte for this long is closed and opened again (on the next node). */
  public GatewayCacheOptions setStreamIdleTimeout(Duration streamIdleTimeout) {
    this.streamIdleTimeout = streamIdleTimeout;
    return this;
  }

  public Duration getStreamIdleTimeout() {
    return streamIdleTimeout;
  }

  /** The whole time a record fetch or a catch-up page may take on one node (and the connect timeout). */
  public GatewayCacheOptions setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    return this;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  /**
   * The pause before reconnecting after a stream that worked dropped; the server's {@code retry:} field, when
   * it sends one, takes its place (up to the maximum). Each failed attempt in a row doubles it.
   */
  public GatewayCacheOptions setReconnectDelay(Duration reconnectDelay) {
    this.reconnectDelay = reconnectDelay;
    return this;
  }

  public Duration getReconnectDelay() {
    return reconnectDelay;
  }

  public GatewayCacheOptions setMaxReconnectDelay(Duration maxReconnectDelay) {
    this.maxReconnectDelay = maxReconnectDelay;
    return this;
  }

  public Duration getMaxReconnectDelay() {
    return maxReconnectDelay;
  }

  /** The HTTP client settings of both the record fetches and the stream (TLS, trust, proxies, pool size). */
  public GatewayCacheOptions setWebClientOptions(WebClientOptions webClientOptions) {
    this.webClientOptions = webClientOptions;
    return this;
  }

  public WebClientOptions getWebClientOptions() {
    return webClientOptions;
  }

  /**
   * @throws IllegalArgumentException naming the first setting that cannot work
   */
  public void validate() {
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("baseUrls: at least one latchkey node is required");
    }
    for (String url : baseUrls) {
      URI uri;
      try {
        uri = new URI(url);
      } catch (Exception e) {
        throw new IllegalArgumentException("baseUrls: not a URL: " + url, e);
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
          || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
        throw new IllegalArgumentException("baseUrls: expected http(s)://host[:port] without a path: " + url);
      }
    }
    if (internalKey == null || internalKey.isBlank()) {
      throw new IllegalArgumentException("internalKey is required");
    }
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be at least 1");
    }
    positive("ttl", ttl);
    positive("freshnessBound", freshnessBound);
    positive("streamIdleTimeout", streamIdleTimeout);
    positive("requestTimeout", requestTimeout);
    Objects.requireNonNull(reconnectDelay, "reconnectDelay");
    positive("maxReconnectDelay", maxReconnectDelay);
    Objects.requireNonNull(stalePolicy, "stalePolicy");
    Objects.requireNonNull(webClientOptions, "webClientOptions");
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration");
    }
  }
}
