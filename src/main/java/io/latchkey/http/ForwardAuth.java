package io.latchkey.http;

import io.latchkey.auth.Caller;
import io.latchkey.auth.signature.SignatureException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

/**
 * Forward auth (SPEC §5c): any method on {@code /api/v1/user/auth} (and below it, Envoy's form), asked by a
 * reverse proxy (nginx {@code auth_request}, Traefik ForwardAuth, Envoy {@code ext_authz}, Caddy
 * {@code forward_auth}) whether the request it holds may pass. It runs after the user tier's authentication
 * (a bearer token or, with no token, a signature's {@code keyid}) and answers:
 * <ul>
 *   <li>200 with an empty body and {@code X-User-ID} (the account) and {@code X-Session-ID}, for the proxy
 *       to pass upstream: for a session without a device key, on its token alone; for a device-bound one,
 *       once its signature verifies against the original request, as a {@linkplain TrustedProxies trusted
 *       proxy} describes it ({@link ForwardedRequest});</li>
 *   <li>401 with {@code WWW-Authenticate: Bearer} and an empty body, for anything that does not authenticate,
 *       and for a device-bound session whose signature cannot be checked: no trusted description of the
 *       original, a body the proxy did not forward, a component the proxy rewrites;</li>
 *   <li>400 problem+json for a malformed description of the original; 429 and 503 as on the rest of the
 *       tier.</li>
 * </ul>
 * Proxies differ in what they do with a denial's body (nginx drops it; Traefik, Envoy and Caddy pass it to
 * the client), so a 401 has none: it answers the proxy, and says nothing about why to whoever stands
 * behind it. The common case (a token, no key) costs the lookup and two headers: no body, no JSON.
 */
final class ForwardAuth {

  static final String SESSION_ID_HEADER = "X-Session-ID";
  private static final CharSequence WWW_AUTHENTICATE = HttpHeaders.createOptimized("WWW-Authenticate");
  private static final CharSequence BEARER_CHALLENGE = HttpHeaders.createOptimized("Bearer realm=\"latchkey\"");
  private static final CharSequence USER_ID = HttpHeaders.createOptimized(Guards.USER_ID_HEADER);
  private static final CharSequence SESSION_ID = HttpHeaders.createOptimized(SESSION_ID_HEADER);
  private static final byte[] EMPTY = new byte[0];

  private final SignatureGuard signatures;
  private final TrustedProxies proxies;
  private final Handler<RoutingContext> failures;

  /**
   * @param failures where every failure but a 401 goes (the problem+json failure handler)
   */
  ForwardAuth(SignatureGuard signatures, TrustedProxies proxies, Handler<RoutingContext> failures) {
    this.signatures = signatures;
    this.proxies = proxies;
    this.failures = failures;
  }

  /** After authentication: the signature of a device-bound session against the original, then the answer. */
  void handle(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      // vertx-web lets a CORS preflight through authentication unauthenticated
      deny(ctx);
      return;
    }
    if (Caller.clientPublicKey(user) != null && !signatureChecks(ctx, user)) {
      return;
    }
    HttpServerResponse response = ctx.response();
    response.headers().set(USER_ID, Caller.accountIdText(user));
    String sessionId = Caller.sessionIdText(user);
    if (sessionId != null) {
      response.headers().set(SESSION_ID, sessionId);
    }
    response.end();
  }

  /** True when the signature verifies against the original; otherwise the request has been failed. */
  private boolean signatureChecks(RoutingContext ctx, User user) {
    Buffer body = ctx.body().buffer();
    boolean bodyForwarded = body != null && body.length() > 0;
    ForwardedRequest original;
    try {
      original = ForwardedRequest.of(ctx.request(), proxies.trusts(ctx.request()), bodyForwarded);
    } catch (ProblemException malformed) {
      ctx.fail(malformed);
      return false;
    }
    if (original == null) {
      deny(ctx);
      return false;
    }
    try {
      signatures.check(user, original, bodyForwarded ? body.getBytes() : EMPTY);
      return true;
    } catch (SignatureException e) {
      deny(ctx);
      return false;
    }
  }

  /** The route's failure handler: a 401 the way proxies want it, anything else as everywhere. */
  void failed(RoutingContext ctx) {
    Problem problem = ctx.failure() == null ? null : Problems.forFailure(ctx.failure());
    int status = problem != null ? problem.status() : ctx.statusCode();
    if (status == 401) {
      deny(ctx);
    } else {
      failures.handle(ctx);
    }
  }

  /** 401, {@code WWW-Authenticate: Bearer}, no body. */
  private static void deny(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.headWritten()) {
      return;
    }
    response.setStatusCode(401).putHeader(WWW_AUTHENTICATE, BEARER_CHALLENGE).end();
  }
}
