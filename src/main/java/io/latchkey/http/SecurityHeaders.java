package io.latchkey.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of every router: headers that tell a browser to treat any response of this API as
 * inert data (no sniffing it into HTML, no framing, no sub-resources, no referrer). Set before anything
 * else runs, so errors, 404s and the health endpoints carry them too; the invalid-request handler adds them
 * itself. {@code Strict-Transport-Security} is not sent: the node speaks plain HTTP, where browsers ignore
 * it, and the TLS-terminating proxy in front is the one to send it.
 */
final class SecurityHeaders implements Handler<RoutingContext> {

  private static final CharSequence X_CONTENT_TYPE_OPTIONS = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence X_FRAME_OPTIONS = HttpHeaders.createOptimized("X-Frame-Options");
  private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
  private static final CharSequence REFERRER_POLICY = HttpHeaders.createOptimized("Referrer-Policy");
  private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");
  private static final CharSequence CONTENT_SECURITY_POLICY = HttpHeaders.createOptimized("Content-Security-Policy");
  private static final CharSequence NOTHING_ALLOWED = HttpHeaders.createOptimized("default-src 'none'; frame-ancestors 'none'");

  static void apply(MultiMap headers) {
    headers
        .set(X_CONTENT_TYPE_OPTIONS, NOSNIFF)
        .set(X_FRAME_OPTIONS, DENY)
        .set(REFERRER_POLICY, NO_REFERRER)
        .set(CONTENT_SECURITY_POLICY, NOTHING_ALLOWED);
  }

  @Override
  public void handle(RoutingContext ctx) {
    apply(ctx.response().headers());
    ctx.next();
  }
}
