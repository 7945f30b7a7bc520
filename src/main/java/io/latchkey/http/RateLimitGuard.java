package io.latchkey.http;

import com.github.benmanes.caffeine.cache.Ticker;
import io.latchkey.config.AppConfig.RateLimitConfig;
import io.latchkey.limit.AddressLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Per-client-address rate limits, one instance per node shared by its HTTP verticles (the buckets are in
 * this node's memory: behind a load balancer spreading an address over n nodes, it gets n times the
 * limits).
 *
 * <ul>
 *   <li><b>Failed authentications</b>: every 401 costs a token of the address's bucket. Only the user,
 *   internal and admin tiers check credentials, and every request to them holds a token of its address
 *   while its credentials are checked: a 401 keeps it, anything else gives it back. So checks that overlap
 *   in time cannot spend more than the bucket has; with every token taken or held, the address's requests
 *   to those tiers are answered 429 before their credentials are looked at, until one is free. Successful
 *   requests cost nothing: a hold given back leaves the bucket as it was.</li>
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

  /**
   * First on the authenticated tiers for a request with a body: refused before its body is read when its
   * address has no token free. It holds one only once the body is in ({@link #holdFailureBudget}), so that
   * a slow upload does not hold one.
   */
  void refuseSpentAddresses(RoutingContext ctx) {
    AddressLimiter.Budget budget = authFailures.budget(clients.of(ctx.request()));
    long wait = budget.reserve();
    if (wait > 0) {
      refuse(ctx, refusedAuth, wait, "Too many failed authentications from this address.");
      return;
    }
    budget.settle(false);
    ctx.next();
  }

  /**
   * Right before the credentials are checked: the request holds a token of its address until they are
   * decided, or is refused when none is free. A 401 keeps the token; accepted credentials, and any other
   * answer (an event-bus timeout's 503 included: the credential was not found wrong), give it back. A
   * request decided on the event loop that received it (a cached token, a key) settles before this
   * returns, without allocating; one that waits for a lookup settles when its answer's head is written, so
   * a client that goes away is settled by the answer it would have had and gains nothing by leaving.
   */
  void holdFailureBudget(RoutingContext ctx) {
    AddressLimiter.Budget budget = authFailures.budget(clients.of(ctx.request()));
    long wait = budget.reserve();
    if (wait > 0) {
      refuse(ctx, refusedAuth, wait, "Too many failed authentications from this address.");
      return;
    }
    ctx.next();
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      budget.settle(response.getStatusCode() == 401);
    } else if (ctx.user() != null) {
      // authenticated, and the action has gone on to wait for something: no step after it answers 401
      budget.settle(false);
    } else {
      ctx.addHeadersEndHandler(v -> budget.settle(response.getStatusCode() == 401));
    }
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
