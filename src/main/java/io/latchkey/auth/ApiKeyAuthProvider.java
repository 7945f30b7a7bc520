package io.latchkey.auth;

import io.latchkey.config.ApiKeys;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.authorization.AuthorizationProvider;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.handler.HttpException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Authenticates trusted callers by a key of the internal or the admin family, and authorises them by
 * family: the key's family is the caller's one role. A valid key of one family on the other family's
 * routes therefore authenticates (no 401) but is not authorised (403).
 *
 * <p>The key comes as {@link TokenCredentials} (a bearer key), or as the password of
 * {@link UsernamePasswordCredentials} (OAuth's {@code client_secret_basic}, RFC 6749 §2.3.1, any client id):
 * RFC 6749 has clients form-urlencode the secret before Basic encoding it, and many do not (curl, Vert.x's
 * OAuth2 client), so the password is accepted as sent or form-decoded, both compared in constant time.
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
    String key = null;
    String alternative = null;
    if (credentials instanceof TokenCredentials token) {
      key = token.getToken();
    } else if (credentials instanceof UsernamePasswordCredentials basic) {
      key = basic.getPassword();
      alternative = formDecoded(key);
    }
    // both families (and both forms of a password) are always checked, so the timing does not tell which
    // one a key belongs to
    boolean isInternal = internal.matches(key) | internal.matches(alternative);
    boolean isAdmin = admin.matches(key) | admin.matches(alternative);
    if (isInternal) {
      return Future.succeededFuture(Caller.keyHolder(Caller.INTERNAL));
    }
    if (isAdmin) {
      return Future.succeededFuture(Caller.keyHolder(Caller.ADMIN));
    }
    return Future.failedFuture(new HttpException(401, "A valid API key is required."));
  }

  /**
   * The password as RFC 6749 §2.3.1 clients send it, form-urlencoded, decoded; {@code null} when it does not
   * decode (a lone {@code %}): then only the password as sent can match.
   */
  static String formDecoded(String password) {
    if (password == null) {
      return null;
    }
    try {
      return URLDecoder.decode(password, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
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
