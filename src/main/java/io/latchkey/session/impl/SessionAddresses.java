package io.latchkey.session.impl;

/**
 * The session verticle's event-bus addresses. Only {@link EventBusSessionService} and the verticle use
 * the request/reply ones; what each operation does is documented on
 * {@link io.latchkey.session.SessionService}.
 *
 * <p>Request/reply addresses are <b>local</b> consumers (nothing about a token leaves the node): the
 * request is the {@link Requests} record named below, the reply the service method's result, both in a
 * {@link Local} envelope (passed by reference, never encoded). A failure is a
 * {@link io.vertx.core.eventbus.ReplyException} whose code is a {@link io.latchkey.session.SessionFailure};
 * its message is safe to show a caller. A body of another type is refused with INVALID_REQUEST.
 *
 * <p>Only {@link #INVALIDATED} and {@link #ACCOUNT_CHANGED} are cluster-wide publishes, and they are JSON,
 * written and read in one place each: {@link io.latchkey.session.Invalidation} and
 * {@link AccountRequests#changedMessage}.
 */
public final class SessionAddresses {

  private SessionAddresses() {}

  private static final String PREFIX = "latchkey.session.";

  /** {@link Requests.Create}; reply {@link Requests.Created}. */
  public static final String CREATE = PREFIX + "create";
  /** {@link Requests.Lookup}; reply the active {@link io.latchkey.session.CachedSession}. */
  public static final String LOOKUP = PREFIX + "lookup";
  /** {@link Requests.LookupDevice}; reply the active, device-bound {@link io.latchkey.session.CachedSession}. */
  public static final String LOOKUP_DEVICE = PREFIX + "lookup-device";
  /** {@link Requests.Seen}; no reply. */
  public static final String SEEN = PREFIX + "seen";
  /** {@link Requests.Get}; reply a {@link io.latchkey.session.SessionRecord}. */
  public static final String GET = PREFIX + "get";
  /** {@link Requests.ListSessions}; reply a {@code List<SessionRecord>}. */
  public static final String LIST = PREFIX + "list";
  /** {@link Requests.Revoke}; reply a {@link io.latchkey.session.Revocation}. */
  public static final String REVOKE = PREFIX + "revoke";
  /** {@link Requests.RevokeToken}; reply a {@code Boolean}: whether this call revoked an active session. */
  public static final String REVOKE_TOKEN = PREFIX + "revoke-token";
  /** {@link Requests.RevokeAll}; reply the {@code List<UUID>} of sessions revoked. */
  public static final String REVOKE_ALL = PREFIX + "revoke-all";
  /** {@link Requests.GetAccount}; reply an {@link io.latchkey.account.Account}. */
  public static final String ACCOUNT_GET = "latchkey.account.get";
  /** {@link Requests.FindOrCreateAccount}; reply a {@link io.latchkey.account.Provisioned}. */
  public static final String ACCOUNT_FIND_OR_CREATE = "latchkey.account.find-or-create";
  /** {@link Requests.LinkIdentity}; reply an {@link io.latchkey.account.Linked}. */
  public static final String ACCOUNT_LINK = "latchkey.account.link";
  /** {@link Requests.UnlinkIdentity}; empty reply. */
  public static final String ACCOUNT_UNLINK = "latchkey.account.unlink";
  /** {@link Requests.DisableAccount}; reply the {@code List<UUID>} of sessions revoked. */
  public static final String ACCOUNT_DISABLE = "latchkey.account.disable";
  /** {@link Requests.EnableAccount}; empty reply. */
  public static final String ACCOUNT_ENABLE = "latchkey.account.enable";
  /** {@link Requests.DeleteAccount}; empty reply. */
  public static final String ACCOUNT_DELETE = "latchkey.account.delete";
  /** {@link Requests.ListAccounts}; reply an {@link io.latchkey.account.AccountPage}. */
  public static final String ACCOUNT_LIST = "latchkey.account.list";
  /** {@link Requests.ListAudit}; reply an {@link io.latchkey.account.AuditPage}. */
  public static final String AUDIT_LIST = "latchkey.account.audit";
  /** {@link Requests.Health}; reply empty (DATABASE) or a {@link io.latchkey.session.CacheHealth} (CACHE). */
  public static final String HEALTH = PREFIX + "health";
  /** Run the safety net now; no body, no reply. Sent locally when cluster membership changes. */
  public static final String CATCH_UP = PREFIX + "catch-up";

  /**
   * Cluster-wide publish of every revocation, {@link io.latchkey.session.Invalidation}'s JSON. Every node's
   * session verticle (this one included) turns the named cache entries into tombstones.
   */
  public static final String INVALIDATED = PREFIX + "invalidated";

  /**
   * Cluster-wide publish when an account changes (identities, status, erasure): {@code {"account_id"}}. Every node drops its
   * cached copy of the account (otherwise at most {@code SESSION_CACHE_TTL_SECONDS} old).
   */
  public static final String ACCOUNT_CHANGED = "latchkey.account.changed";
}
