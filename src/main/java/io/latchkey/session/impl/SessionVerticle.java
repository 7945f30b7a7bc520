package io.latchkey.session.impl;

import io.latchkey.account.AccountStore;
import io.latchkey.config.AppConfig;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Pools;
import io.latchkey.session.CacheHealth;
import io.latchkey.session.Lifetimes;
import io.latchkey.session.SessionCache;
import io.latchkey.session.SessionStore;
import io.latchkey.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.function.Function;

/**
 * The only owner of the node's session cache and of the PostgreSQL stores, deployed once per node before
 * the HTTP verticles. It answers {@link io.latchkey.session.SessionService} requests on the addresses of
 * {@link SessionAddresses}, everything on its own context, and delegates each job to a part named for it:
 * {@link Lookups} (misses and their bounds), {@link Creations}, {@link Revocations} (with the broadcast),
 * {@link SafetyNet} (lost broadcasts caught up, and how long the cache can be trusted without them),
 * {@link Expiry} (sessions past a lifetime), {@link WarmUp}, {@link LastSeenWriter}, {@link AccountRequests},
 * {@link Lifecycle} (disable, erase), {@link LogRetention} and {@link DatabaseCheck} (readiness).
 *
 * <p>Start-up completes once the consumers are registered; the warm-up then runs in the background and
 * the cache health says when it is done, so the node answers {@code /readyz} with 503 instead of refusing
 * connections while it warms.
 */
public final class SessionVerticle extends VerticleBase {

  private final DatabaseTarget database;
  private final AppConfig config;
  private final Metrics metrics;
  private final SessionCache cache;
  private Pool pool;
  private LastSeenWriter lastSeen;
  private WarmUp warmUp;
  private SafetyNet safetyNet;

  public SessionVerticle(DatabaseTarget database, AppConfig config, Metrics metrics) {
    this(database, config, metrics, SessionCache.create(config.sessionCache(), metrics.registry()));
  }

  /**
   * @param cache this node's cache, which this verticle alone writes; HTTP verticles may read it
   */
  public SessionVerticle(DatabaseTarget database, AppConfig config, Metrics metrics, SessionCache cache) {
    this.database = database;
    this.config = config;
    this.metrics = metrics;
    this.cache = cache;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, config, database, "latchkey-sessions", config.dbPoolSize());
    SessionStore sessions = SessionStore.create(pool);
    AccountStore accounts = AccountStore.create(pool);
    lastSeen = new LastSeenWriter(vertx, sessions, config.lastSeen(), metrics);
    Lifetimes lifetimes = Lifetimes.of(config.lifetimes(), config.lastSeen());
    Lookups lookups = new Lookups(sessions, cache, config.sessionCache().maxInflightMisses(), lastSeen,
        config.lastSeen().interval().toMillis(), lifetimes);
    Creations creations = new Creations(sessions, accounts, cache, metrics, config.dbPoolSize(),
        config.dbPoolMaxWaiting());
    Revocations revocations = new Revocations(vertx, sessions, cache, lookups, metrics);
    lookups.expireThrough(new Expiry(vertx, sessions, revocations, lifetimes, config.revocationPoll()));
    safetyNet = new SafetyNet(vertx, sessions, cache, lookups, metrics, config.revocationPoll(),
        config.sessionCache().maxStaleness());
    DatabaseCheck databaseCheck = new DatabaseCheck(sessions, metrics, config.healthCheckTimeout());
    warmUp = new WarmUp(vertx, sessions, cache, safetyNet, config.sessionCache());
    AccountRequests accountRequests = new AccountRequests(vertx, accounts, cache);
    Lifecycle lifecycle = new Lifecycle(sessions, revocations, accountRequests);
    new LogRetention(vertx, sessions, config.revocationLogRetention());

    EventBus bus = vertx.eventBus();
    Local.registerCodec(bus);
    return Future.all(List.of(
            serve(bus, SessionAddresses.LOOKUP, Requests.Lookup.class, lookups::lookup),
            serve(bus, SessionAddresses.LOOKUP_DEVICE, Requests.LookupDevice.class, lookups::lookupDevice),
            serve(bus, SessionAddresses.CREATE, Requests.Create.class, creations::create),
            serve(bus, SessionAddresses.GET, Requests.Get.class, request -> sessions.findById(request.sessionId())
                .map(row -> {
                  if (row == null) {
                    throw new Failures.SessionNotFound();
                  }
                  return row;
                })),
            serve(bus, SessionAddresses.LIST, Requests.ListSessions.class,
                request -> sessions.listByAccount(request.accountId(), request.activeOnly())),
            serve(bus, SessionAddresses.REVOKE, Requests.Revoke.class, revocations::revoke),
            serve(bus, SessionAddresses.REVOKE_TOKEN, Requests.RevokeToken.class, revocations::revokeToken),
            serve(bus, SessionAddresses.REVOKE_ALL, Requests.RevokeAll.class, revocations::revokeAll),
            serve(bus, SessionAddresses.ACCOUNT_GET, Requests.GetAccount.class, accountRequests::get),
            serve(bus, SessionAddresses.ACCOUNT_FIND_OR_CREATE, Requests.FindOrCreateAccount.class,
                accountRequests::findOrCreate),
            serve(bus, SessionAddresses.ACCOUNT_LINK, Requests.LinkIdentity.class, accountRequests::link),
            serve(bus, SessionAddresses.ACCOUNT_UNLINK, Requests.UnlinkIdentity.class, accountRequests::unlink),
            serve(bus, SessionAddresses.ACCOUNT_ENABLE, Requests.EnableAccount.class, accountRequests::enable),
            serve(bus, SessionAddresses.ACCOUNT_LIST, Requests.ListAccounts.class, accountRequests::list),
            serve(bus, SessionAddresses.AUDIT_LIST, Requests.ListAudit.class, accountRequests::audit),
            serve(bus, SessionAddresses.ACCOUNT_DISABLE, Requests.DisableAccount.class, lifecycle::disable),
            serve(bus, SessionAddresses.ACCOUNT_DELETE, Requests.DeleteAccount.class, lifecycle::delete),
            serve(bus, SessionAddresses.HEALTH, Requests.Health.class, health -> switch (health) {
              case DATABASE -> databaseCheck.check();
              case CACHE -> Future.succeededFuture(new CacheHealth(warmUp.warm(), cache.current(), cache.size()));
            }),
            bus.<Local>localConsumer(SessionAddresses.SEEN, message -> {
              if (message.body() != null && message.body().body() instanceof Requests.Seen seen) {
                lastSeen.mark(seen.sessionId(), seen.atMs());
              }
            }).completion(),
            bus.localConsumer(SessionAddresses.CATCH_UP, message -> safetyNet.catchUp()).completion(),
            bus.<JsonObject>consumer(SessionAddresses.INVALIDATED, revocations::onBroadcast).completion(),
            bus.<JsonObject>consumer(SessionAddresses.ACCOUNT_CHANGED, accountRequests::onChanged).completion()))
        .onSuccess(registered -> warmUp.start());
  }

  /**
   * Writes what last-seen marks are pending, then closes the pool. A database that does not answer gets
   * one statement timeout for that write: shutdown never waits on it for longer.
   */
  @Override
  public Future<?> stop() {
    if (warmUp != null) {
      warmUp.stop();
      safetyNet.stop();
    }
    return lastSeen.flushFinally(config.dbStatementTimeout()).eventually(pool::close);
  }

  /** A local request/reply consumer: the request unwrapped and checked, the reply wrapped, failures coded. */
  private <R> Future<Void> serve(EventBus bus, String address, Class<R> type, Function<R, Future<?>> action) {
    return bus.<Object>localConsumer(address, message -> {
      Future<?> reply;
      try {
        if (!(message.body() instanceof Local local)) {
          throw new IllegalArgumentException("the request must be a " + type.getSimpleName());
        }
        reply = action.apply(local.as(type));
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(result -> message.reply(new Local(result)), failure -> Failures.reply(message, address, failure));
    }).completion();
  }
}
