package io.latchkey.gateway.impl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.latchkey.gateway.CannotTellException;
import io.latchkey.gateway.GatewayCache;
import io.latchkey.gateway.GatewayCacheOptions;
import io.latchkey.gateway.GatewayCacheStats;
import io.latchkey.gateway.GatewayRecord;
import io.latchkey.gateway.SessionNotFoundException;
import io.latchkey.gateway.StalePolicy;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cache: Caffeine (LRU + TTL) read without a lock on the hot path; misses, events and their races
 * serialised by one lock.
 *
 * <p><b>The fetch/event race.</b> A record fetch takes a while; an event revoking its session (or its account)
 * can arrive while it is under way, and the answer, read before the revocation, would then put an "active"
 * back into the cache after the event passed. Every fetch under way is a {@link Pending}, registered under the
 * lock before its request leaves, and every event, under the same lock, marks the pending fetches it concerns:
 * its sessions' ids directly, and, for an account-wide event, every pending fetch (whose account is not known
 * until it answers). The answer is settled under the lock too: a session named by an event is revoked whatever
 * the answer says; an active answer of an account revoked meanwhile is asked again (the new request leaves
 * after the event, so it reads after the revocation); an answer to a fetch that began before the whole cache was
 * dropped is given to its callers but not cached. A fetch that begins after an event needs nothing: latchkey
 * sends an event only once the revocation is committed, so the record read afterwards shows it.
 */
public final class GatewayCacheImpl implements GatewayCache, InvalidationStream.Sink {

  /** Asking again because an account-wide revocation raced the answer; beyond this the lookup cannot tell. */
  private static final int MAX_ASKS = 3;

  private final Cache<String, GatewayRecord> cache;
  private final StalePolicy policy;
  private final WebClient web;
  private final HttpClient sse;
  private final RecordClient records;
  private final InvalidationStream stream;
  private final Object lock = new Object();
  private final Map<String, Pending> pending = new HashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder fetches = new LongAdder();

  public GatewayCacheImpl(Vertx vertx, GatewayCacheOptions options) {
    this(vertx, options, Ticker.systemTicker());
  }

  /** With the clock of TTLs and of the freshness bound in the caller's hands (tests). */
  public GatewayCacheImpl(Vertx vertx, GatewayCacheOptions options, Ticker ticker) {
    options.validate();
    List<String> baseUrls = options.getBaseUrls();
    this.cache = Caffeine.newBuilder()
        .maximumSize(options.getMaxSize())
        .expireAfterWrite(options.getTtl())
        .ticker(ticker)
        // evictions on the writing thread: no executor of its own, and the bound holds at once
        .executor(Runnable::run)
        .build();
    this.policy = options.getStalePolicy();
    WebClientOptions http = new WebClientOptions(options.getWebClientOptions());
    this.web = WebClient.create(vertx, http);
    this.sse = vertx.createHttpClient(http);
    this.records = new RecordClient(web, baseUrls, options.getInternalKey(), options.getRequestTimeout().toMillis());
    this.stream = new InvalidationStream(vertx.getOrCreateContext(), sse, baseUrls, options.getInternalKey(),
        this, ticker, options.getFreshnessBound(), options.getStreamIdleTimeout(), options.getRequestTimeout(),
        options.getReconnectDelay(), options.getMaxReconnectDelay());
  }

  @Override
  public Future<Void> start() {
    return stream.start();
  }

  @Override
  public Future<GatewayRecord> lookup(String sessionId) {
    String id = Ids.canonical(sessionId);
    if (id == null) {
      return Future.failedFuture(new SessionNotFoundException("not a session id"));
    }
    GatewayRecord cached = cache.getIfPresent(id);
    if (cached != null) {
      if (!cached.active()) {
        hits.increment();
        return Future.succeededFuture(cached);
      }
      if (!expired(cached)) {
        if (stream.fresh()) {
          hits.increment();
          return Future.succeededFuture(cached);
        }
        if (policy == StalePolicy.FAIL_CLOSED) {
          return Future.failedFuture(new CannotTellException(CannotTellException.Reason.STREAM_STALE,
              "the invalidation stream has been down for longer than the freshness bound", null));
        }
      }
    }
    misses.increment();
    return fetch(id);
  }

  private static boolean expired(GatewayRecord record) {
    return record.expiresAtMs() != null && record.expiresAtMs() <= System.currentTimeMillis();
  }

  private Future<GatewayRecord> fetch(String id) {
    Context caller = Vertx.currentContext();
    Pending fetch;
    boolean first = false;
    synchronized (lock) {
      fetch = pending.get(id);
      if (fetch == null) {
        fetch = new Pending(id);
        pending.put(id, fetch);
        first = true;
      }
    }
    if (first) {
      ask(fetch);
    }
    return onContext(fetch.promise.future(), caller);
  }

  private void ask(Pending fetch) {
    fetches.increment();
    records.fetch(fetch.id, stream.node()).onComplete(answer -> settle(fetch, answer));
  }

  private void settle(Pending fetch, AsyncResult<GatewayRecord> answer) {
    GatewayRecord record = null;
    Throwable failure = null;
    synchronized (lock) {
      if (answer.failed()) {
        pending.remove(fetch.id);
        failure = answer.cause();
      } else {
        record = answer.result();
        if (record.active() && expired(record)) {
          record = record.revoked(record.expiresAtMs());
        }
        if (record.active() && fetch.revokedAtMs != null) {
          record = record.revoked(fetch.revokedAtMs);
        }
        if (record.active() && fetch.accounts.contains(record.userId())) {
          if (++fetch.asks < MAX_ASKS) {
            fetch.accounts.clear();
            record = null;
          } else {
            pending.remove(fetch.id);
            failure = new CannotTellException(CannotTellException.Reason.UPSTREAM_UNAVAILABLE,
                "the account was revoked during every fetch of the record", null);
            record = null;
          }
        } else {
          pending.remove(fetch.id);
          if (!record.active() || !fetch.untrusted) {
            cache.put(fetch.id, record);
          }
        }
      }
    }
    if (record != null) {
      fetch.promise.complete(record);
    } else if (failure != null) {
      fetch.promise.fail(failure);
    } else {
      ask(fetch);
    }
  }

  @Override
  public void markRevoked(String sessionId) {
    String id = Ids.canonical(sessionId);
    if (id != null) {
      revoked(new Invalidation(List.of(id), null, System.currentTimeMillis()));
    }
  }

  @Override
  public void markAllRevokedForUser(String userId) {
    String id = Ids.canonical(userId);
    if (id != null) {
      revoked(new Invalidation(List.of(), id, System.currentTimeMillis()));
    }
  }

  @Override
  public void revoked(Invalidation invalidation) {
    long at = invalidation.revokedAtMs();
    synchronized (lock) {
      for (String id : invalidation.sessionIds()) {
        cache.asMap().computeIfPresent(id, (key, record) -> record.revoked(at));
        Pending fetch = pending.get(id);
        if (fetch != null && fetch.revokedAtMs == null) {
          fetch.revokedAtMs = at;
        }
      }
      String account = invalidation.accountId();
      if (account != null) {
        List<String> ids = new ArrayList<>();
        cache.asMap().forEach((key, record) -> {
          if (record.active() && record.userId().equals(account)) {
            ids.add(key);
          }
        });
        for (String id : ids) {
          cache.asMap().computeIfPresent(id, (key, record) -> record.revoked(at));
        }
        for (Pending fetch : pending.values()) {
          fetch.accounts.add(account);
        }
      }
    }
  }

  @Override
  public void dropAll() {
    synchronized (lock) {
      cache.invalidateAll();
      for (Pending fetch : pending.values()) {
        fetch.untrusted = true;
      }
    }
  }

  @Override
  public GatewayCacheStats stats() {
    return new GatewayCacheStats(stream.connected(), stream.fresh(), stream.baseUrl(), stream.cursor(),
        stream.lastHeardAtMs(), stream.lastEventAtMs(), cache.estimatedSize(), hits.sum(), misses.sum(),
        fetches.sum(), stream.events(), stream.resets(), stream.reconnects());
  }

  @Override
  public Future<Void> close() {
    return stream.close().eventually(() -> {
      web.close();
      return sse.close();
    });
  }

  /** A future whose listeners run on {@code context} (the caller's), whichever thread completes {@code f}. */
  private static <T> Future<T> onContext(Future<T> f, Context context) {
    if (context == null) {
      return f;
    }
    Promise<T> promise = Promise.promise();
    f.onComplete(result -> {
      if (Vertx.currentContext() == context) {
        promise.handle(result);
      } else {
        context.runOnContext(v -> promise.handle(result));
      }
    });
    return promise.future();
  }

  /** A record fetch under way, and what events said about it meanwhile. Guarded by the lock. */
  private static final class Pending {

    final String id;
    final Promise<GatewayRecord> promise = Promise.promise();
    /** Accounts revoked as a whole since the current request left. */
    final Set<String> accounts = new HashSet<>();
    Long revokedAtMs;
    boolean untrusted;
    int asks;

    Pending(String id) {
      this.id = id;
    }
  }
}
