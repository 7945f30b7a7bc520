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

  private Caller() {}

  /**
   * A user authenticated by their own session token.
   *
   * @param clientPublicKey the session's Ed25519 key (standard base64), or {@code null} if not device-bound
   */
  public static User session(UUID accountId, UUID sessionId, String clientPublicKey) {
    JsonObject principal = new JsonObject().put("kind", SESSION).put("sub", accountId.toString())
        .put("sid", sessionId.toString());
    JsonObject attributes = new JsonObject();
    if (clientPublicKey != null) {
      attributes.put(CLIENT_KEY, clientPublicKey);
    }
    return User.create(principal, attributes);
  }

  /** The device key a session is bound to (standard base64 of 32 bytes), or {@code null}. */
  public static String clientPublicKey(User user) {
    return user.attributes().getString(CLIENT_KEY);
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

  /** The session the request came with, or {@code null} for a gateway-asserted user. */
  public static UUID sessionId(User user) {
    String sid = user.principal().getString("sid");
    return sid == null ? null : UUID.fromString(sid);
  }
}
