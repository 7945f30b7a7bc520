package io.latchkey.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.Authorizations;
import io.vertx.ext.auth.authorization.impl.AuthorizationsImpl;
import java.util.UUID;

/**
 * A user of the user tier (a session's holder, or an account a gateway asserts) as typed fields: the
 * validate route reads its account and session ids without building, parsing and re-encoding them as
 * JSON on every request. The {@link User} views ({@link #principal}, {@link #attributes}) are built the
 * first time anything asks for them, with the shape {@link Caller} documents.
 */
final class CallerUser implements User {

  final String kind;
  final UUID accountId;
  /** {@code null} for a gateway-asserted user. */
  final UUID sessionId;
  /** The session's Ed25519 key (standard base64), or {@code null} if not device-bound. */
  final String clientPublicKey;
  final boolean signatureAlone;
  private JsonObject principal;
  private JsonObject attributes;
  private Authorizations authorizations;

  CallerUser(String kind, UUID accountId, UUID sessionId, String clientPublicKey, boolean signatureAlone) {
    this.kind = kind;
    this.accountId = accountId;
    this.sessionId = sessionId;
    this.clientPublicKey = clientPublicKey;
    this.signatureAlone = signatureAlone;
  }

  @Override
  public JsonObject principal() {
    if (principal == null) {
      principal = new JsonObject().put("kind", kind).put("sub", accountId.toString());
      if (sessionId != null) {
        principal.put("sid", sessionId.toString());
      }
    }
    return principal;
  }

  @Override
  public JsonObject attributes() {
    if (attributes == null) {
      attributes = new JsonObject();
      if (clientPublicKey != null) {
        attributes.put(Caller.CLIENT_KEY, clientPublicKey);
      }
      if (signatureAlone) {
        attributes.put(Caller.SIGNATURE_ALONE, true);
      }
    }
    return attributes;
  }

  @Override
  public Authorizations authorizations() {
    if (authorizations == null) {
      authorizations = new AuthorizationsImpl();
    }
    return authorizations;
  }

  /** Not used by latchkey (no multi-factor step-up): a plain user with both views merged, as vert.x's does. */
  @Override
  public User merge(User other) {
    return User.create(principal().copy(), attributes().copy()).merge(other);
  }

  @Override
  public String toString() {
    return "CallerUser[kind=" + kind + ", sub=" + accountId + ", sid=" + sessionId + "]";
  }
}
