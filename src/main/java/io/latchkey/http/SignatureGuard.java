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
import java.security.InvalidKeyException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs right after authentication on the user tier: a request on a device-bound session must carry a
 * valid signature by the session's key (from the cache, via the session lookup) before any handler runs.
 * Sessions without a key, and gateway-asserted users, pass through. A stored key that fails the checks
 * keys get on arrival (possible only for a session created before they existed) verifies nothing: 401.
 */
final class SignatureGuard implements Handler<RoutingContext> {

  private final RequestVerifier verifier;
  /** Checked and decoded keys (empty: refused) by their base64 form: checking costs about a verification. */
  private final Cache<String, Optional<Ed25519.VerifyingKey>> keys = Caffeine.newBuilder().maximumSize(100_000).build();

  SignatureGuard(RequestVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void handle(RoutingContext ctx) {
    User user = ctx.user();
    String encodedKey = Caller.clientPublicKey(user);
    if (encodedKey == null) {
      ctx.next();
      return;
    }
    try {
      Ed25519.VerifyingKey key = key(encodedKey).orElseThrow(() -> new SignatureException(Reason.INVALID,
          "The session's device key is not a valid Ed25519 public key: no signature can verify; create a new session."));
      Buffer body = ctx.body().buffer();
      verifier.verify(new Incoming(ctx.request()), body == null ? new byte[0] : body.getBytes(), key,
          Caller.sessionId(user).toString());
    } catch (SignatureException e) {
      ctx.fail(new ProblemException(Problem.named(e.reason().type(), 401, "Request signature rejected", e.getMessage())));
      return;
    }
    ctx.next();
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
