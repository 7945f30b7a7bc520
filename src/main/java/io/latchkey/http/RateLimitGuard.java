package io.latchkey.http;

import com.github.benmanes.caffeine.cache.Ticker;
import io.latchkey.config.AppConfig.RateLimitConfig;
import io.latchkey.limit.AddressLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Per-client-address rate limits, one instance per node shared by its HTTP verticles (the buckets are in
 * this node's memory: behind a load balancer spreading an address over n nodes, it gets n times the
 * limits).
 *
 * <ul>
 *   <li><b>Failed authentications</b>: every 401 takes a token from the address's bucket; once it is
 *   empty, every request of the address to the user, internal and admin tiers is answered 429 before its
 *   credentials are looked at, until a token comes back. Successful requests take nothing: they pay one
 *   cache look-up ("is this address blocked?").</li>
 *   <li><b>Public tier</b>: every request takes a token; none left is 429.</li>
 * </ul>
 *
 * A 429 carries {@code Retry-After} (whole seconds, at least 1). Refusals are counted in
 * {@code latchkey.rate.limited} by kind ({@code auth}, {@code public}), never by address.
 */
public final class RateLimitGuard {

  private final ClientAddress clients;
  private final AddressLimiter authFailures;
  private final AddressLimiter publicRequests;
  private final Counter refusedAuth;
  private final Counter refusedPublic;

  RateLimitGuard(ClientAddress clients, AddressLimiter authFailures, AddressLimiter publicRequests,
      MeterRegistry registry) {
    this.clients = clients;
    this.authFailures = authFailures;
    this.publicRequests = publicRequests;
    this.refusedAuth = refused(registry, "auth");
    this.refusedPublic = refused(registry, "public");
    Gauge.builder("latchkey.rate.limit.addresses", authFailures, AddressLimiter::addresses)
        .description("Client addresses whose buckets this node holds").tag("kind", "auth").register(registry);
    Gauge.builder("latchkey.rate.limit.addresses", publicRequests, AddressLimiter::addresses)
        .description("Client addresses whose buckets this node holds").tag("kind", "public").register(registry);
  }

  /** The node's guard, on the system clock. */
  public static RateLimitGuard create(RateLimitConfig config, MeterRegistry registry) {
    return new RateLimitGuard(new ClientAddress(config.trustedProxyHops()),
        AddressLimiter.create(config.authFailures(), config.maxAddresses(), Ticker.systemTicker()),
        AddressLimiter.create(config.publicRequests(), config.maxAddresses(), Ticker.systemTicker()),
        registry);
  }

  boolean limitsAuthFailures() {
    return authFailures.enabled();
  }

  boolean limitsPublicRequests() {
    return publicRequests.enabled();
  }

  /** First on the authenticated tiers: an address out of failures is refused before it is checked. */
  void refuseBlockedAddresses(RoutingContext ctx) {
    long wait = authFailures.blockedFor(clients.of(ctx.request()));
    if (wait > 0) {
      refuse(ctx, refusedAuth, wait, "Too many failed authentications from this address.");
      return;
    }
    ctx.next();
  }

  /** First on the public tier: each request takes a token. */
  void limitPublicRequests(RoutingContext ctx) {
    long wait = publicRequests.acquire(clients.of(ctx.request()));
    if (wait > 0) {
      refuse(ctx, refusedPublic, wait, "Too many requests from this address.");
      return;
    }
    ctx.next();
  }

  /** Called by the failure handler for every 401. */
  void authenticationFailed(RoutingContext ctx) {
    if (authFailures.enabled()) {
      authFailures.acquire(clients.of(ctx.request()));
    }
  }

  private static void refuse(RoutingContext ctx, Counter counter, long waitNanos, String why) {
    counter.increment();
    long seconds = retryAfterSeconds(waitNanos);
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    ctx.fail(new ProblemException(Problem.named("rate-limited", 429, "Too many requests",
        why + " Retry after " + seconds + " second" + (seconds == 1 ? "" : "s") + ".")));
  }

  /** Whole seconds, rounded up, at least 1: a client that waits that long finds a token. */
  static long retryAfterSeconds(long waitNanos) {
    return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
  }

  private static Counter refused(MeterRegistry registry, String kind) {
    return Counter.builder("latchkey.rate.limited")
        .description("Requests refused with 429 by the per-address rate limits")
        .tag("kind", kind)
        .register(registry);
  }
}
