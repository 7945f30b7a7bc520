package io.latchkey.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.latchkey.auth.Caller;
import io.latchkey.auth.signature.Ed25519;
import io.latchkey.auth.signature.RequestVerifier;
import io.latchkey.auth.signature.SignatureException;
import io.latchkey.auth.signature.SignedRequest;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Runs right after authentication on the user tier: a request on a device-bound session must carry a
 * valid signature by the session's key (from the cache, via the session lookup) before any handler runs.
 * Sessions without a key, and gateway-asserted users, pass through.
 */
final class SignatureGuard implements Handler<RoutingContext> {

  private final RequestVerifier verifier;
  /** Decoded keys by their base64 form: decoding is cheap, but not free on every request. */
  private final Cache<String, PublicKey> keys = Caffeine.newBuilder().maximumSize(100_000).build();

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
      Buffer body = ctx.body().buffer();
      verifier.verify(new Incoming(ctx.request()), body == null ? new byte[0] : body.getBytes(), key(encodedKey),
          Caller.sessionId(user).toString());
    } catch (SignatureException e) {
      ctx.fail(new ProblemException(Problem.named(e.reason().type(), 401, "Request signature rejected", e.getMessage())));
      return;
    }
    ctx.next();
  }

  private PublicKey key(String encoded) {
    return keys.get(encoded, k -> {
      try {
        return Ed25519.publicKey(Base64.getDecoder().decode(k));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("a stored client key is not an Ed25519 key", e);
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
