package io.latchkey.session;

/**
 * The session verticle's event-bus contract: every address it listens on, with the shape of its
 * messages. Only the session verticle touches the stores and writes the cache (HTTP verticles may read
 * the cache directly, see {@link SessionCache}); everyone else talks to it here.
 * {@link SessionClient} is the typed way in.
 *
 * <p>Conventions. Bodies are {@code JsonObject}s; ids are UUID strings; times are epoch milliseconds in
 * fields ending {@code _ms}; {@code token_hash} is the base64url (no padding) SHA-256 of a token, never the
 * token itself; {@code client_public_key} is standard base64 of a raw 32-byte Ed25519 key. A session in a
 * reply ("session record") is {@link SessionRecord#toJson()}; an account is
 * {@link io.latchkey.account.Account#toJson()}. Failures are {@link io.vertx.core.eventbus.ReplyException}s
 * whose {@code failureCode()} is a {@link SessionFailure} code; their message is safe to show a caller.
 *
 * <p>Every request/reply address is a <b>local</b> consumer: nothing about a token leaves the node. Only
 * {@link #INVALIDATED} is cluster-wide.
 */
public final class SessionAddresses {

  private SessionAddresses() {}

  private static final String PREFIX = "latchkey.session.";

  /**
   * Create a session. Request: {@code {"token_hash", "identity":{"kind","subject"} | "account_id",
   * "client_public_key"?, "device"?}}; with an identity the account is found or created. Reply:
   * {@code {"session_id","account_id","account_created":bool,"created_at_ms"}}. Failures:
   * INVALID_REQUEST, ACCOUNT_NOT_FOUND, DATABASE_UNAVAILABLE.
   */
  public static final String CREATE = PREFIX + "create";

  /**
   * Who is this token? Request: {@code {"token_hash", "cache_checked"?}} ({@code cache_checked}: the caller
   * already missed the shared cache, so this look is not counted again). Reply for an active session:
   * {@code {"session_id","account_id","created_at_ms","client_public_key"?}}. Unknown and revoked tokens
   * fail with SESSION_NOT_FOUND; a miss the database cannot answer fails with DATABASE_UNAVAILABLE (never
   * "valid"); too many misses in flight fail with OVERLOADED. Records a coalesced last-seen.
   */
  public static final String LOOKUP = PREFIX + "lookup";

  /**
   * A session was used (a lookup answered from the shared cache by an HTTP verticle): record a
   * coalesced last-seen. Request: {@code {"session_id","at_ms"}}; sent at most once per
   * {@code LAST_SEEN_INTERVAL_MS} per session. No reply.
   */
  public static final String SEEN = PREFIX + "seen";

  /** One session by id. Request: {@code {"session_id"}}. Reply: a session record. SESSION_NOT_FOUND. */
  public static final String GET = PREFIX + "get";

  /**
   * An account's sessions, newest first. Request: {@code {"account_id","active_only":bool}}. Reply:
   * {@code {"sessions":[session record…]}}.
   */
  public static final String LIST = PREFIX + "list";

  /**
   * Revoke one session (idempotent). Request: {@code {"session_id","account_id"?,"reason"?,"by"?}}; with
   * {@code account_id} only a session of that account is touched. Reply:
   * {@code {"session_id","revoked":bool,"revoked_at_ms"}} where {@code revoked} says whether this call
   * revoked it (false: it already was). SESSION_NOT_FOUND if there is no such session (of that account).
   */
  public static final String REVOKE = PREFIX + "revoke";

  /**
   * Revoke every active session of an account, optionally but one. Request:
   * {@code {"account_id","keep_session_id"?,"reason"?,"by"?}}. Reply:
   * {@code {"revoked":n,"session_ids":[…]}}.
   */
  public static final String REVOKE_ALL = PREFIX + "revoke-all";

  /**
   * Cluster-wide publish of every revocation; see {@link Invalidation} for the shape. Every node's session
   * verticle (this one included) turns the named cache entries into tombstones.
   */
  public static final String INVALIDATED = PREFIX + "invalidated";

  /**
   * Cluster-wide publish when an account's identities change: {@code {"account_id"}}. Every node drops
   * its cached copy of the account (its cached identities are otherwise at most
   * {@code SESSION_CACHE_TTL_SECONDS} old).
   */
  public static final String ACCOUNT_CHANGED = "latchkey.account.changed";

  /**
   * Run the missed-broadcast safety net now (it also runs every {@code REVOCATION_POLL_MS}): apply every
   * revocation recorded in PostgreSQL since the last watermark. Sent locally when cluster membership
   * changes. Request: {@code {}}. No reply.
   */
  public static final String CATCH_UP = PREFIX + "catch-up";

  /** Find or create the account of an identity. Request: {@code {"identity"}}. Reply: {@code {"account_id","created":bool}}. */
  public static final String ACCOUNT_FIND_OR_CREATE = "latchkey.account.find-or-create";

  /**
   * Link another identity to an account (idempotent for the same account). Request:
   * {@code {"account_id","identity"}}. Reply: {@code {"account_id"}}. IDENTITY_TAKEN, ACCOUNT_NOT_FOUND.
   */
  public static final String ACCOUNT_LINK = "latchkey.account.link";

  /**
   * An account with its identities. Request: {@code {"account_id"} | {"identity"}}. Reply: an account.
   * ACCOUNT_NOT_FOUND. By id it is served from the account cache when it can.
   */
  public static final String ACCOUNT_GET = "latchkey.account.get";

  /**
   * Readiness of the database. Request: {@code {}}. Reply: {@code {"ok":true}} when PostgreSQL answered a
   * ping; otherwise DATABASE_UNAVAILABLE. Concurrent requests share one ping, and its result answers
   * every request for a second after it was sent.
   */
  public static final String HEALTH_DATABASE = PREFIX + "health.database";

  /**
   * Readiness of the session cache. Request: {@code {}}. Reply: {@code {"warm":bool,"current":bool,"size":long}};
   * {@code warm} turns true once the boot warm-up has loaded the most recently used active sessions (up
   * to the cache capacity) and stays true; {@code current} is false while the node answers no cached
   * session as valid because it has not read PostgreSQL's revocations for {@code SESSION_CACHE_MAX_STALENESS_MS}.
   */
  public static final String HEALTH_CACHE = PREFIX + "health.cache";
}
