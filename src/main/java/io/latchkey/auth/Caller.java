package io.latchkey.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.util.UUID;

/**
 * Who a request is, as the authentication handlers leave it in the routing context's {@link User}
 * principal: {@code {"kind":"session"|"gateway"|"internal"|"admin", "sub":account_id?, "sid":session_id?}}.
 * Users of the user tier are {@link CallerUser}s, whose ids are read here without going through JSON.
 */
public final class Caller {

  public static final String SESSION = "session";
  public static final String GATEWAY = "gateway";
  public static final String INTERNAL = "internal";
  public static final String ADMIN = "admin";
  static final String CLIENT_KEY = "client_public_key";
  static final String SIGNATURE_ALONE = "signature_alone";

  private Caller() {}

  /**
   * A user authenticated by their own session token.
   *
   * @param clientPublicKey the session's Ed25519 key (standard base64), or {@code null} if not device-bound
   */
  public static User session(UUID accountId, UUID sessionId, String clientPublicKey) {
    return session(accountId, sessionId, clientPublicKey, false);
  }

  /**
   * A user authenticated by their session token, or ({@code signatureAlone}) by a request signature naming
   * their device-bound session ({@code keyid}, no token): the signature guard then requires the coverage
   * such a signature needs, which does not include an {@code authorization} header.
   */
  public static User session(UUID accountId, UUID sessionId, String clientPublicKey, boolean signatureAlone) {
    return new CallerUser(SESSION, accountId, sessionId, clientPublicKey, signatureAlone);
  }

  /** The device key a session is bound to (standard base64 of 32 bytes), or {@code null}. */
  public static String clientPublicKey(User user) {
    return user instanceof CallerUser c ? c.clientPublicKey : user.attributes().getString(CLIENT_KEY);
  }

  /** Whether the request's only credential is its signature ({@code keyid}, no bearer token). */
  public static boolean signatureAlone(User user) {
    return user instanceof CallerUser c ? c.signatureAlone : user.attributes().getBoolean(SIGNATURE_ALONE, false);
  }

  /** A user asserted by a trusted gateway (X-User-ID with an internal key): no current session. */
  public static User gateway(UUID accountId) {
    return new CallerUser(GATEWAY, accountId, null, null, false);
  }

  /** A service holding a key of the internal or admin family. */
  public static User keyHolder(String family) {
    return User.create(new JsonObject().put("kind", family));
  }

  public static String kind(User user) {
    return user instanceof CallerUser c ? c.kind : user.principal().getString("kind");
  }

  public static UUID accountId(User user) {
    return user instanceof CallerUser c ? c.accountId : UUID.fromString(user.principal().getString("sub"));
  }

  /** {@link #accountId} as a string (for a header). */
  public static String accountIdText(User user) {
    return user instanceof CallerUser c ? c.accountId.toString() : user.principal().getString("sub");
  }

  /** {@link #sessionId} as a string, or {@code null} for a gateway-asserted user. */
  public static String sessionIdText(User user) {
    if (user instanceof CallerUser c) {
      return c.sessionId == null ? null : c.sessionId.toString();
    }
    return user.principal().getString("sid");
  }

  /** The session the request came with, or {@code null} for a gateway-asserted user. */
  public static UUID sessionId(User user) {
    if (user instanceof CallerUser c) {
      return c.sessionId;
    }
    String sid = user.principal().getString("sid");
    return sid == null ? null : UUID.fromString(sid);
  }
}
