package io.latchkey.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.latchkey.auth.Caller;
import io.latchkey.auth.signature.Ed25519;
import io.latchkey.auth.signature.RequestVerifier;
import io.latchkey.auth.signature.SignatureException;
import io.latchkey.auth.signature.SignatureException.Reason;
import io.latchkey.auth.signature.SignedRequest;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.security.InvalidKeyException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs right after authentication on the user tier: a request on a device-bound session must carry a
 * valid signature by the session's key (from the cache, via the session lookup) before any handler runs;
 * one that came with no token, its signature's {@code keyid} alone naming the session, must cover what such
 * a signature must (SPEC §6). Sessions without a key pass through, unless the request names another session
 * in a signature's {@code keyid} (a request claiming two sessions is refused); gateway-asserted users pass
 * through. A stored key that fails the checks keys get on arrival (possible only for a session created
 * before they existed) verifies nothing: 401. Forward auth verifies through {@link #check} too, against
 * the original request its proxy describes.
 */
final class SignatureGuard implements Handler<RoutingContext> {

  private static final byte[] EMPTY = new byte[0];

  private final RequestVerifier verifier;
  /** Checked and decoded keys (empty: refused) by their base64 form: checking costs about a verification. */
  private final Cache<String, Optional<Ed25519.VerifyingKey>> keys = Caffeine.newBuilder().maximumSize(100_000).build();

  SignatureGuard(RequestVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void handle(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      // vertx-web lets a CORS preflight through authentication unauthenticated; nothing here serves one
      ctx.fail(new HttpException(401, "Credentials are required."));
      return;
    }
    String encodedKey = Caller.clientPublicKey(user);
    try {
      if (encodedKey == null) {
        checkNoOtherSession(ctx.request(), user);
      } else {
        Buffer body = ctx.body().buffer();
        check(user, new Incoming(ctx.request()), body == null ? EMPTY : body.getBytes());
      }
    } catch (SignatureException e) {
      ctx.fail(rejected(e));
      return;
    }
    ctx.next();
  }

  /**
   * Verifies a request of a device-bound session ({@code user} carries its key) as {@code request} shows it.
   *
   * @throws SignatureException naming why it is refused
   */
  void check(User user, SignedRequest request, byte[] body) throws SignatureException {
    Ed25519.VerifyingKey key = key(Caller.clientPublicKey(user)).orElseThrow(() -> new SignatureException(Reason.INVALID,
        "The session's device key is not a valid Ed25519 public key: no signature can verify; create a new session."));
    verifier.verify(request, body, key, Caller.sessionIdText(user), Caller.signatureAlone(user));
  }

  /**
   * A session without a key needs no signature, but a request that names a session in a signature's
   * {@code keyid} must name this one; a signature whose keyid cannot be read is refused like one that names
   * another session (what it claims cannot be told). A gateway-asserted user has no session to compare.
   */
  private static void checkNoOtherSession(HttpServerRequest request, User user) throws SignatureException {
    String sessionId = Caller.sessionIdText(user);
    if (sessionId == null || !request.headers().contains(Guards.SIGNATURE_INPUT)) {
      return;
    }
    String keyId = RequestVerifier.keyId(request.headers().getAll(Guards.SIGNATURE_INPUT));
    if (keyId != null && !keyId.equals(sessionId)) {
      throw new SignatureException(Reason.MALFORMED, "'keyid', if given, must be the session's id.");
    }
  }

  /** The 401 problem a refused signature is answered with, named after why. */
  static ProblemException rejected(SignatureException e) {
    return new ProblemException(Problem.named(e.reason().type(), 401, "Request signature rejected", e.getMessage()));
  }

  private Optional<Ed25519.VerifyingKey> key(String encoded) {
    return keys.get(encoded, k -> {
      try {
        return Optional.of(Ed25519.verifyingKey(Base64.getDecoder().decode(k)));
      } catch (InvalidKeyException e) {
        return Optional.empty();
      }
    });
  }

  /** The incoming request as the signature base sees it. */
  private record Incoming(HttpServerRequest request) implements SignedRequest {

    @Override
    public String method() {
      return request.method().name();
    }

    @Override
    public String targetUri() {
      return scheme() + "://" + authority() + request.uri();
    }

    /** From the Host header (HTTP/1.1) or the :authority pseudo-header (HTTP/2) alike. */
    @Override
    public String authority() {
      HostAndPort authority = request.authority();
      if (authority == null) {
        return "";
      }
      String host = authority.host().toLowerCase(Locale.ROOT);
      return authority.port() >= 0 ? host + ":" + authority.port() : host;
    }

    @Override
    public String scheme() {
      return request.scheme() == null ? "http" : request.scheme().toLowerCase(Locale.ROOT);
    }

    @Override
    public String path() {
      String uri = request.uri();
      int q = uri.indexOf('?');
      return q < 0 ? uri : uri.substring(0, q);
    }

    @Override
    public String query() {
      String uri = request.uri();
      int q = uri.indexOf('?');
      return q < 0 ? null : uri.substring(q + 1);
    }

    @Override
    public List<String> header(String name) {
      return request.headers().getAll(name);
    }
  }
}
