package io.latchkey.http;

import io.latchkey.auth.ApiKeyAuthProvider;
import io.latchkey.auth.Caller;
import io.latchkey.auth.KeyIdCredentials;
import io.latchkey.auth.SessionAuthProvider;
import io.latchkey.auth.signature.RequestVerifier;
import io.latchkey.auth.signature.SignatureException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthorizationHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;
import io.vertx.ext.web.impl.UserContextInternal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The authentication and authorisation handlers each tier chains first. Credentials arrive as
 * {@code Authorization: Bearer <credential>}; the providers (vertx-auth-common) decide what they are. Two
 * exceptions: on the user tier, a request with no {@code Authorization} may name its device-bound session
 * in its signature's {@code keyid} (SPEC §6, signature alone: the signature guard then verifies it); and
 * routes marked {@link #oauthEndpoint} (the internal tier's RFC 7662 introspection and RFC 7009
 * revocation, which OAuth clients call with {@code client_secret_basic}) also take an internal key as the
 * password of HTTP Basic, with any client id; there a 401 challenges {@code Basic} first.
 */
final class Guards {

  static final String USER_ID_HEADER = "X-User-ID";
  static final String SIGNATURE_INPUT = "Signature-Input";
  /** Set on a request whose route accepts HTTP Basic: read by the key guard and by the 401's challenge. */
  static final String OAUTH_ENDPOINT = "latchkey.oauth-endpoint";
  private static final String BEARER = "bearer ";
  private static final String BASIC = "basic ";

  private Guards() {}

  /**
   * User routes: a bearer session token; or, with no {@code Authorization} at all, a request signature naming
   * its device-bound session ({@code keyid}, SPEC §6: the signature guard then verifies it); or a trusted
   * gateway's {@code X-User-ID} together with an internal key. {@code X-User-ID} from anyone else is rejected
   * (an admin key: 403; anything else: 401), never trusted.
   */
  static Handler<RoutingContext> user(SessionAuthProvider sessions, ApiKeyAuthProvider keys) {
    return authenticating(ctx -> guarded(() -> {
      String asserted = ctx.request().getHeader(USER_ID_HEADER);
      if (asserted == null && ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
        return sessions.authenticate(new KeyIdCredentials(keyId(ctx)));
      }
      String credential = bearer(ctx);
      if (asserted == null) {
        return sessions.authenticate(new TokenCredentials(credential));
      }
      if (keys.isInternalKey(credential)) {
        try {
          return Future.succeededFuture(Caller.gateway(UUID.fromString(Inputs.canonicalUuid(asserted))));
        } catch (IllegalArgumentException e) {
          // the authentication handler keeps an HttpException's status, so the 400 survives it
          return Future.failedFuture(new HttpException(400, "The X-User-ID header must be an account id (a UUID)."));
        }
      }
      if (keys.isAdminKey(credential)) {
        return Future.failedFuture(new HttpException(403, "X-User-ID is honoured only with an internal key."));
      }
      return Future.<User>failedFuture(new HttpException(401, "X-User-ID is honoured only with an internal key."));
    }));
  }

  /**
   * The user tier's authentication step: {@code step}'s user goes into the routing context and the request
   * goes on; its failure is the request's failure (an {@link HttpException} keeps its status, anything else
   * is 401), as with vertx-web's {@code SimpleAuthenticationHandler}. Unlike that handler, it does not pause
   * and resume the request around the step (a resume schedules a task on the event loop, once per request,
   * and a user-tier request has no body left to hold back: a body is read before the tier's routes), and it
   * does not let a CORS preflight through unauthenticated (that is a 401 here, as it was after the handler).
   * The route-ordering checks vertx-web applies to its own authentication handlers do not apply: this is
   * the tier's first step on every route it guards.
   */
  private static Handler<RoutingContext> authenticating(Function<RoutingContext, Future<User>> step) {
    return ctx -> step.apply(ctx).onComplete(user -> {
      ((UserContextInternal) ctx.userContext()).setUser(user);
      ctx.next();
    }, failure -> ctx.fail(failure instanceof HttpException http ? http : new HttpException(401, failure)));
  }

  /**
   * The session a request without a token names in its signature's {@code keyid}. 401 when there is no
   * signature, no keyid, or a keyid that is not a session id (a UUID in canonical form); a signature whose
   * headers do not parse is 401 {@code signature-malformed}, as on a signed request with a token.
   */
  private static UUID keyId(RoutingContext ctx) {
    List<String> inputs = ctx.request().headers().getAll(SIGNATURE_INPUT);
    if (inputs.isEmpty()) {
      throw new HttpException(401, "Credentials are required: Authorization: Bearer <credential>, or a request "
          + "signature naming its device-bound session (keyid).");
    }
    String keyId;
    try {
      keyId = RequestVerifier.keyId(inputs);
    } catch (SignatureException e) {
      throw SignatureGuard.rejected(e);
    }
    if (keyId == null) {
      throw new HttpException(401, "Credentials are required: a request without Authorization must name its "
          + "device-bound session in its signature (keyid).");
    }
    try {
      return UUID.fromString(Inputs.canonicalUuid(keyId));
    } catch (IllegalArgumentException e) {
      throw new HttpException(401, "The signature's keyid names no active device-bound session.");
    }
  }

  /** Internal or admin routes: a key of the tier's family; the other family's key is 403. */
  static void keyTier(Route route, ApiKeyAuthProvider keys, String family) {
    route.handler(SimpleAuthenticationHandler.create()
            .authenticate(ctx -> guarded(() -> keys.authenticate(keyCredentials(ctx)))))
        .handler(AuthorizationHandler.create(RoleBasedAuthorization.create(family)).addAuthorizationProvider(keys));
  }

  /**
   * Marks a route, ahead of its tier's key guard, as an OAuth endpoint (RFC 7662, RFC 7009): HTTP Basic carries
   * the key too, a 401 challenges Basic, and a 415 names both media types.
   */
  static void oauthEndpoint(Route route) {
    route.handler(ctx -> {
      ctx.put(OAUTH_ENDPOINT, Boolean.TRUE);
      ctx.next();
    });
  }

  static boolean isOAuthEndpoint(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(OAUTH_ENDPOINT));
  }

  /** A bearer key; on an {@linkplain #oauthEndpoint OAuth endpoint}, HTTP Basic's password too. */
  private static Credentials keyCredentials(RoutingContext ctx) {
    if (isOAuthEndpoint(ctx)) {
      String header = authorization(ctx);
      if (header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
        return basic(header.substring(BASIC.length()).trim());
      }
    }
    return new TokenCredentials(bearer(ctx));
  }

  /**
   * RFC 7617's {@code base64(user-id ":" password)}. Malformed base64, bytes that are not UTF-8, or no colon
   * are a 401 (they are credentials that do not authenticate, not a malformed request), and the header is
   * never echoed.
   */
  private static UsernamePasswordCredentials basic(String encoded) {
    String decoded;
    try {
      decoded = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)))
          .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw new HttpException(401, "HTTP Basic credentials must be base64 of client-id:key.");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new HttpException(401, "HTTP Basic credentials must be base64 of client-id:key.");
    }
    return new UsernamePasswordCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  /** Runs an authentication step, turning what it throws into a failed future for the handler. */
  private static Future<User> guarded(Supplier<Future<User>> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * The credential of an {@code Authorization: Bearer …} header: every tier reads its credentials here.
   *
   * @throws HttpException 401 when the header is missing or uses another scheme; 400 when there are two (which
   *     one counts would depend on who reads them: a proxy in front may have checked the other)
   */
  private static String bearer(RoutingContext ctx) {
    String header = authorization(ctx);
    if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new HttpException(401, isOAuthEndpoint(ctx)
          ? "The Authorization header must use the Bearer or the Basic scheme."
          : "The Authorization header must use the Bearer scheme.");
    }
    return header.substring(BEARER.length()).trim();
  }

  /** The one {@code Authorization} header: 401 when missing, 400 when there are several. */
  private static String authorization(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      throw new HttpException(401, isOAuthEndpoint(ctx)
          ? "Credentials are required: Authorization: Bearer <key>, or HTTP Basic with the key as password."
          : "Credentials are required: Authorization: Bearer <credential>.");
    }
    if (ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION).size() > 1) {
      throw new HttpException(400, "Send one Authorization header, not several.");
    }
    return header;
  }
}
