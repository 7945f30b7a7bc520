package io.latchkey.auth;

import io.latchkey.config.ApiKeys;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authorization.AuthorizationProvider;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.handler.HttpException;

/**
 * Authenticates trusted callers by a key of the internal or the admin family, and authorises them by
 * family: the key's family is the caller's one role. A valid key of one family on the other family's
 * routes therefore authenticates (no 401) but is not authorised (403).
 */
public final class ApiKeyAuthProvider implements AuthenticationProvider, AuthorizationProvider {

  private final ApiKeys internal;
  private final ApiKeys admin;

  public ApiKeyAuthProvider(ApiKeys internal, ApiKeys admin) {
    this.internal = internal;
    this.admin = admin;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    String key = credentials instanceof TokenCredentials token ? token.getToken() : null;
    // both families are always checked, so the timing does not tell which one a key belongs to
    boolean isInternal = internal.matches(key);
    boolean isAdmin = admin.matches(key);
    if (isInternal) {
      return Future.succeededFuture(Caller.keyHolder(Caller.INTERNAL));
    }
    if (isAdmin) {
      return Future.succeededFuture(Caller.keyHolder(Caller.ADMIN));
    }
    return Future.failedFuture(new HttpException(401, "A valid API key is required."));
  }

  /** Whether the key is a valid internal key (a gateway asserting X-User-ID must hold one). */
  public boolean isInternalKey(String key) {
    return internal.matches(key);
  }

  public boolean isAdminKey(String key) {
    return admin.matches(key);
  }

  @Override
  public String getId() {
    return "latchkey-api-keys";
  }

  @Override
  public Future<Void> getAuthorizations(User user) {
    String kind = Caller.kind(user);
    if (Caller.INTERNAL.equals(kind) || Caller.ADMIN.equals(kind)) {
      user.authorizations().put(getId(), RoleBasedAuthorization.create(kind));
    }
    return Future.succeededFuture();
  }
}
