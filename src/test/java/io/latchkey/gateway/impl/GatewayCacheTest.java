package io.latchkey.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.latchkey.gateway.CannotTellException;
import io.latchkey.gateway.GatewayCacheOptions;
import io.latchkey.gateway.GatewayRecord;
import io.latchkey.gateway.SessionNotFoundException;
import io.latchkey.gateway.StalePolicy;
import io.latchkey.testing.Eventually;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cache against a fake latchkey on real HTTP servers ({@link FakeLatchkey}): what its two routes say and
 * when is in the test's hands, and so is the clock of TTLs and of the freshness bound (a manual ticker).
 */
class GatewayCacheTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String ACCOUNT = "0190e6a4-0000-7000-8000-00000000aaaa";

  private Vertx vertx;
  private FakeLatchkey latchkey;
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Ticker ticker = now::get;
  private final List<GatewayCacheImpl> caches = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    latchkey = FakeLatchkey.start(vertx, 2);
  }

  @AfterEach
  void stop() throws Exception {
    for (GatewayCacheImpl cache : caches) {
      await(cache.close());
    }
    latchkey.close();
    await(vertx.close());
  }

  private GatewayCacheOptions options() {
    return new GatewayCacheOptions().setBaseUrls(latchkey.baseUrls()).setInternalKey(FakeLatchkey.KEY)
        .setFreshnessBound(Duration.ofSeconds(10)).setReconnectDelay(Duration.ofMillis(10));
  }

  private GatewayCacheImpl cache(GatewayCacheOptions options) {
    GatewayCacheImpl cache = new GatewayCacheImpl(vertx, options, ticker);
    caches.add(cache);
    return cache;
  }

  private GatewayCacheImpl started(GatewayCacheOptions options) throws Exception {
    GatewayCacheImpl cache = cache(options);
    await(cache.start());
    return cache;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the lookup succeeded");
  }

  /** The context of a new verticle (an event loop context of its own, as each HTTP verticle of a gateway has). */
  private Context newContext() throws Exception {
    Promise<Context> deployed = Promise.promise();
    await(vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        deployed.complete(context);
        return Future.succeededFuture();
      }
    }));
    return await(deployed.future());
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private void awaitEvents(GatewayCacheImpl cache, long events) throws Exception {
    Eventually.await(WAIT, () -> cache.stats().events(), n -> n >= events, events + " events applied");
  }

  @Test
  @DisplayName("a miss asks the record with the internal key; the next lookup is a hit")
  void aMissAsksTheRecordAndTheNextLookupHits() throws Exception {
    GatewayCacheImpl cache = started(options());
    String id = newId();
    latchkey.activeRecord(id, ACCOUNT);

    GatewayRecord first = await(cache.lookup(id));
    GatewayRecord second = await(cache.lookup(id.toUpperCase()));

    assertThat(first).isEqualTo(second);
    assertThat(first.status()).isEqualTo(GatewayRecord.Status.ACTIVE);
    assertThat(first.userId()).isEqualTo(ACCOUNT);
    assertThat(first.clientPublicKey()).isEqualTo("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    assertThat(latchkey.recordRequests.get()).isEqualTo(1);
    assertThat(cache.stats().hits()).isEqualTo(1);
    assertThat(cache.stats().misses()).isEqualTo(1);
  }

  @Test
  @DisplayName("unknown sessions fail with SessionNotFoundException; what is not a session id asks nothing")
  void unknownSessionsAreNotFound() throws Exception {
    GatewayCacheImpl cache = started(options());

    assertThat(failure(cache.lookup(newId()))).isInstanceOf(SessionNotFoundException.class);
    assertThat(latchkey.recordRequests.get()).isEqualTo(1);
    for (String garbage : List.of("", "x", "../../admin", "0190e6a4-0000-7000-8000-00000000aaag", "٠".repeat(36))) {
      assertThat(failure(cache.lookup(garbage))).isInstanceOf(SessionNotFoundException.class);
    }
    assertThat(failure(cache.lookup(null))).isInstanceOf(SessionNotFoundException.class);
    assertThat(latchkey.recordRequests.get()).isEqualTo(1);
  }

  @Test
  @DisplayName("the first node down: the record comes from the next; every node down: CannotTellException")
  void recordFetchesTryTheNextNode() throws Exception {
    GatewayCacheImpl cache = cache(options().setBaseUrls(List.of("http://127.0.0.1:1", latchkey.baseUrls().get(0))));
    String id = newId();
    latchkey.activeRecord(id, ACCOUNT);

    assertThat(await(cache.lookup(id)).active()).isTrue();

    GatewayCacheImpl nowhere = cache(options().setBaseUrls(List.of("http://127.0.0.1:1")));
    Throwable failure = failure(nowhere.lookup(id));
    assertThat(failure).isInstanceOf(CannotTellException.class);
    assertThat(((CannotTellException) failure).reason()).isEqualTo(CannotTellException.Reason.UPSTREAM_UNAVAILABLE);
  }

  @Test
  @DisplayName("LRU: the cache holds at most maxSize records; an evicted one is asked again")
  void theCacheIsBoundedBySize() throws Exception {
    GatewayCacheImpl cache = started(options().setMaxSize(3));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(newId());
      latchkey.activeRecord(ids.get(i), ACCOUNT);
      await(cache.lookup(ids.get(i)));
    }

    assertThat(cache.stats().size()).isLessThanOrEqualTo(3);
    int before = latchkey.recordRequests.get();
    for (String id : ids) {
      await(cache.lookup(id));
    }
    assertThat(latchkey.recordRequests.get() - before).as("records asked again").isGreaterThanOrEqualTo(7);
  }

  @Test
  @DisplayName("TTL: a record is kept for the TTL after it was fetched, then asked again")
  void recordsExpireAfterTheTtl() throws Exception {
    GatewayCacheImpl cache = started(options().setTtl(Duration.ofMinutes(1)).setFreshnessBound(Duration.ofHours(1)));
    String id = newId();
    latchkey.activeRecord(id, ACCOUNT);
    await(cache.lookup(id));

    now.addAndGet(Duration.ofSeconds(59).toNanos());
    await(cache.lookup(id));
    assertThat(latchkey.recordRequests.get()).isEqualTo(1);

    now.addAndGet(Duration.ofSeconds(2).toNanos());
    await(cache.lookup(id));
    assertThat(latchkey.recordRequests.get()).isEqualTo(2);
  }

  @Test
  @DisplayName("concurrent misses for one session, from several event loops, share one request")
  void concurrentMissesAreCoalesced() throws Exception {
    GatewayCacheImpl cache = started(options());
    String id = newId();
    latchkey.activeRecord(id, ACCOUNT);
    latchkey.hold();

    List<Future<GatewayRecord>> lookups = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Promise<GatewayRecord> answered = Promise.promise();
      newContext().runOnContext(v -> cache.lookup(id).onComplete(answered));
      lookups.add(answered.future());
    }
    Eventually.await(WAIT, latchkey::heldCount, n -> n == 1, "the one request to arrive");
    latchkey.release();

    for (Future<GatewayRecord> lookup : lookups) {
      assertThat(await(lookup).active()).isTrue();
    }
    assertThat(latchkey.recordRequests.get()).isEqualTo(1);
  }

  @Test
  @DisplayName("a miss's answer reaches the caller on the caller's own context, also when another context asked first")
  void coalescedAnswersCompleteOnTheCallersContext() throws Exception {
    GatewayCacheImpl cache = started(options());
    String id = newId();
    latchkey.activeRecord(id, ACCOUNT);
    latchkey.hold();
    Context first = newContext();
    Context second = newContext();
    Promise<Boolean> onFirst = Promise.promise();
    Promise<Boolean> onSecond = Promise.promise();

    first.runOnContext(v -> cache.lookup(id).onComplete(r -> onFirst.complete(Vertx.currentContext() == first)));
    Eventually.await(WAIT, latchkey::heldCount, n -> n == 1, "the request to arrive");
    second.runOnContext(v -> cache.lookup(id).onComplete(r -> onSecond.complete(Vertx.currentContext() == second)));
    latchkey.release();

    assertThat(await(onFirst.future())).isTrue();
    assertThat(await(onSecond.future())).isTrue();
  }

  @Test
  @DisplayName("fetch/event race: a revocation that arrives while the record is fetched wins over the answer "
      + "(read before it)")
  void aRevocationDuringTheFetchWinsOverTheAnswer() throws Exception {
    GatewayCacheImpl cache = started(options());
    String id = newId();
    latchkey.activeRecord(id, ACCOUNT);
    latchkey.hold();

    Future<GatewayRecord> lookup = cache.lookup(id);
    Eventually.await(WAIT, latchkey::heldCount, n -> n == 1, "the request to arrive");
    latchkey.revoked(1234L, ACCOUNT, id);
    awaitEvents(cache, 1);
    latchkey.release();

    GatewayRecord answered = await(lookup);
    assertThat(answered.status()).isEqualTo(GatewayRecord.Status.REVOKED);
    assertThat(answered.revokedAtMs()).isEqualTo(1234L);
    assertThat(await(cache.lookup(id)).status()).as("and so it is cached").isEqualTo(GatewayRecord.Status.REVOKED);
    assertThat(latchkey.recordRequests.get()).isEqualTo(1);
  }

  @Test
  @DisplayName("fetch/event race: an account-wide revocation during the fetch makes the cache ask again")
  void anAccountRevocationDuringTheFetchIsAskedAgain() throws Exception {
    GatewayCacheImpl cache = started(options());
    String id = newId();
    latchkey.activeRecord(id, ACCOUNT);
    latchkey.hold();

    Future<GatewayRecord> lookup = cache.lookup(id);
    Eventually.await(WAIT, latchkey::heldCount, n -> n == 1, "the request to arrive");
    // the event lists another session of the account (the one being fetched was created meanwhile, say)
    latchkey.accountRevoked(1234L, ACCOUNT, newId());
    awaitEvents(cache, 1);
    latchkey.release();
    Eventually.await(WAIT, () -> latchkey.recordRequests.get(), n -> n == 2, "the record to be asked again");
    assertThat(lookup.isComplete()).isFalse();
    latchkey.revokeRecord(id, 1234L);
    latchkey.release();

    assertThat(await(lookup).status()).isEqualTo(GatewayRecord.Status.REVOKED);
    assertThat(latchkey.recordRequests.get()).isEqualTo(2);
  }

  @Test
  @DisplayName("revoked events mark cached sessions, account-wide ones every cached session of the account")
  void revokedEventsMarkCachedRecords() throws Exception {
    GatewayCacheImpl cache = started(options());
    String one = newId();
    String two = newId();
    String three = newId();
    String other = newId();
    String otherAccount = "0190e6a4-0000-7000-8000-00000000bbbb";
    latchkey.activeRecord(one, ACCOUNT);
    latchkey.activeRecord(two, ACCOUNT);
    latchkey.activeRecord(three, ACCOUNT);
    latchkey.activeRecord(other, otherAccount);
    for (String id : List.of(one, two, three, other)) {
      await(cache.lookup(id));
    }

    latchkey.revoked(10L, ACCOUNT, one);
    awaitEvents(cache, 1);
    assertThat(await(cache.lookup(one)).revokedAtMs()).isEqualTo(10L);
    assertThat(await(cache.lookup(two)).active()).isTrue();

    latchkey.accountRevoked(20L, ACCOUNT, two);
    awaitEvents(cache, 2);
    assertThat(await(cache.lookup(one)).revokedAtMs()).as("the first revocation counts").isEqualTo(10L);
    assertThat(await(cache.lookup(two)).status()).isEqualTo(GatewayRecord.Status.REVOKED);
    assertThat(await(cache.lookup(three)).status()).as("not listed, but of the account")
        .isEqualTo(GatewayRecord.Status.REVOKED);
    assertThat(await(cache.lookup(other)).active()).isTrue();
    assertThat(latchkey.recordRequests.get()).isEqualTo(4);
  }

  @Test
  @DisplayName("reset drops the whole cache; so does a revoked event the cache cannot read")
  void aResetDropsTheCache() throws Exception {
    GatewayCacheImpl cache = started(options());
    String id = newId();
    latchkey.activeRecord(id, ACCOUNT);
    await(cache.lookup(id));
    long resets = cache.stats().resets();

    // an event this cache never got, and the history up to it pruned: its cursor is too old to resume from
    latchkey.prunedUpTo(latchkey.revokedUnsent(1L, ACCOUNT, newId()));
    latchkey.dropStreams();
    Eventually.await(WAIT, () -> cache.stats().resets(), n -> n == resets + 1, "the reset");
    assertThat(cache.stats().size()).isZero();
    await(cache.lookup(id));
    assertThat(latchkey.recordRequests.get()).isEqualTo(2);

    long events = cache.stats().events();
    latchkey.unreadable();
    awaitEvents(cache, events + 1);
    assertThat(cache.stats().size()).isZero();
    assertThat(cache.stats().resets()).isEqualTo(resets + 2);
  }

  @Test
  @DisplayName("after a drop it resumes from its last event id (an id-only message's too) on the next node, and "
      + "gets what was revoked meanwhile")
  void resumesFromItsCursorOnTheNextNode() throws Exception {
    GatewayCacheImpl cache = started(options());
    String id = newId();
    latchkey.activeRecord(id, ACCOUNT);
    await(cache.lookup(id));
    String node0 = latchkey.baseUrls().get(0);
    assertThat(cache.stats().node()).isEqualTo(node0);
    latchkey.revoked(1L, ACCOUNT, newId());
    latchkey.revoked(2L, ACCOUNT, newId());
    awaitEvents(cache, 2);
    latchkey.headId();
    Eventually.await(WAIT, () -> cache.stats().cursor(), "2"::equals, "the id-only message");

    // committed while the node the cache reads from dies, before that node could send it
    String missed = latchkey.revokedUnsent(3L, ACCOUNT, id);
    latchkey.stopNode(0);

    Eventually.await(WAIT, () -> cache.stats(), s -> s.connected() && s.reconnects() == 1, "the reconnection");
    assertThat(cache.stats().node()).isEqualTo(latchkey.baseUrls().get(1));
    int port1 = latchkey.ports.get(1);
    assertThat(latchkey.resumes()).contains("page " + port1 + " 2", "stream " + port1 + " " + missed);
    assertThat(await(cache.lookup(id)).status()).isEqualTo(GatewayRecord.Status.REVOKED);
    assertThat(cache.stats().cursor()).isEqualTo(missed);
  }

  @Test
  @DisplayName("a stream that brings no byte for the idle timeout is reopened")
  void aSilentStreamIsReopened() throws Exception {
    GatewayCacheImpl cache = started(options().setStreamIdleTimeout(Duration.ofMillis(300)));

    Eventually.await(WAIT, () -> cache.stats().reconnects(), n -> n >= 1, "a reconnection");
  }

  @Test
  @DisplayName("FAIL_CLOSED: never connected, or silent past the bound, a cached active fails as 'cannot tell'; a "
      + "revoked one stays revoked; bytes again and it is answered")
  void failClosedWhenTheStreamIsStale() throws Exception {
    GatewayCacheImpl cache = cache(options().setStalePolicy(StalePolicy.FAIL_CLOSED));
    String id = newId();
    String revoked = newId();
    latchkey.activeRecord(id, ACCOUNT);
    latchkey.activeRecord(revoked, ACCOUNT);
    latchkey.revokeRecord(revoked, 5L);

    assertThat(await(cache.lookup(id)).active()).as("a miss asks the record").isTrue();
    assertThat(failure(cache.lookup(id))).as("before the stream ever connected").isInstanceOf(CannotTellException.class);

    await(cache.start());
    await(cache.lookup(id));
    await(cache.lookup(revoked));
    now.addAndGet(Duration.ofSeconds(11).toNanos());

    Throwable stale = failure(cache.lookup(id));
    assertThat(stale).isInstanceOf(CannotTellException.class);
    assertThat(((CannotTellException) stale).reason()).isEqualTo(CannotTellException.Reason.STREAM_STALE);
    assertThat(cache.stats().fresh()).isFalse();
    assertThat(await(cache.lookup(revoked)).status()).isEqualTo(GatewayRecord.Status.REVOKED);

    latchkey.heartbeat();
    Eventually.await(WAIT, () -> cache.stats().fresh(), fresh -> fresh, "fresh again");
    assertThat(await(cache.lookup(id)).active()).isTrue();
  }

  @Test
  @DisplayName("ASK_PER_REQUEST: silent past the bound, every lookup of an active asks the record; bytes again "
      + "and hits resume")
  void askPerRequestWhenTheStreamIsStale() throws Exception {
    GatewayCacheImpl cache = started(options().setStalePolicy(StalePolicy.ASK_PER_REQUEST));
    String id = newId();
    latchkey.activeRecord(id, ACCOUNT);
    await(cache.lookup(id));
    now.addAndGet(Duration.ofSeconds(11).toNanos());

    await(cache.lookup(id));
    latchkey.revokeRecord(id, 7L);
    assertThat(await(cache.lookup(id)).revokedAtMs()).as("the record's word, not the cache's").isEqualTo(7L);
    assertThat(latchkey.recordRequests.get()).isEqualTo(3);

    String other = newId();
    latchkey.activeRecord(other, ACCOUNT);
    await(cache.lookup(other));
    latchkey.heartbeat();
    Eventually.await(WAIT, () -> cache.stats().fresh(), fresh -> fresh, "fresh again");
    await(cache.lookup(other));
    assertThat(latchkey.recordRequests.get()).isEqualTo(4);
  }
}
