package io.latchkey.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.util.UUID;

/**
 * Who a request is, as the authentication handlers leave it in the routing context's {@link User}
 * principal: {@code {"kind":"session"|"gateway"|"internal"|"admin", "sub":account_id?, "sid":session_id?}}.
 */
public final class Caller {

  public static final String SESSION = "session";
  public static final String GATEWAY = "gateway";
  public static final String INTERNAL = "internal";
  public static final String ADMIN = "admin";
  private static final String CLIENT_KEY = "client_public_key";
  private static final String SIGNATURE_ALONE = "signature_alone";

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
    JsonObject principal = new JsonObject().put("kind", SESSION).put("sub", accountId.toString())
        .put("sid", sessionId.toString());
    JsonObject attributes = new JsonObject();
    if (clientPublicKey != null) {
      attributes.put(CLIENT_KEY, clientPublicKey);
    }
    if (signatureAlone) {
      attributes.put(SIGNATURE_ALONE, true);
    }
    return User.create(principal, attributes);
  }

  /** The device key a session is bound to (standard base64 of 32 bytes), or {@code null}. */
  public static String clientPublicKey(User user) {
    return user.attributes().getString(CLIENT_KEY);
  }

  /** Whether the request's only credential is its signature ({@code keyid}, no bearer token). */
  public static boolean signatureAlone(User user) {
    return user.attributes().getBoolean(SIGNATURE_ALONE, false);
  }

  /** A user asserted by a trusted gateway (X-User-ID with an internal key): no current session. */
  public static User gateway(UUID accountId) {
    return User.create(new JsonObject().put("kind", GATEWAY).put("sub", accountId.toString()));
  }

  /** A service holding a key of the internal or admin family. */
  public static User keyHolder(String family) {
    return User.create(new JsonObject().put("kind", family));
  }

  public static String kind(User user) {
    return user.principal().getString("kind");
  }

  public static UUID accountId(User user) {
    return UUID.fromString(user.principal().getString("sub"));
  }

  /** {@link #accountId} as the string it is held as (for a header, without parsing it back and forth). */
  public static String accountIdText(User user) {
    return user.principal().getString("sub");
  }

  /** {@link #sessionId} as the string it is held as, or {@code null} for a gateway-asserted user. */
  public static String sessionIdText(User user) {
    return user.principal().getString("sid");
  }

  /** The session the request came with, or {@code null} for a gateway-asserted user. */
  public static UUID sessionId(User user) {
    String sid = user.principal().getString("sid");
    return sid == null ? null : UUID.fromString(sid);
  }
}
