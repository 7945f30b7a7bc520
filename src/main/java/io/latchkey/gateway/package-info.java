/**
 * A session cache for Java gateways in front of latchkey: the seed's gateway {@code Cache} contract
 * ({@link io.latchkey.gateway.GatewayCache}: {@code lookup}, {@code markRevoked}, {@code markAllRevokedForUser}),
 * fed by latchkey's invalidation stream. It depends on nothing but the JDK, Vert.x core, Vert.x Web Client and
 * Caffeine (a unit test holds it to that), so a gateway copies this package, or depends on the latchkey jar,
 * and uses it as it is.
 *
 * <p>A gateway that lets device-bound sessions authenticate by signature alone (SPEC §6: the session names
 * itself with {@code keyid} in {@code Signature-Input}) looks the session up, rejects what is revoked or unknown,
 * verifies the signature with the record's key itself, and forwards:
 *
 * <pre>{@code
 * GatewayCache sessions = GatewayCache.create(vertx, new GatewayCacheOptions()
 *     .setBaseUrls(List.of("http://latchkey-1:8080", "http://latchkey-2:8080"))
 *     .setInternalKey(System.getenv("LATCHKEY_INTERNAL_KEY"))
 *     .setFreshnessBound(Duration.ofSeconds(30))
 *     .setStalePolicy(StalePolicy.FAIL_CLOSED));
 * sessions.start();   // serving may begin at once: until the stream is up, lookups follow the policy
 *
 * Pattern KEYID = Pattern.compile(";keyid=\"([^\"]+)\"");
 * router.route("/api/*").handler(ctx -> {
 *   Matcher keyid = KEYID.matcher(String.valueOf(ctx.request().getHeader("Signature-Input")));
 *   if (!keyid.find()) {
 *     ctx.response().setStatusCode(401).end();
 *     return;
 *   }
 *   sessions.lookup(keyid.group(1)).onComplete(found -> {
 *     if (found.failed()) {
 *       // CannotTellException: fail closed, never "valid"; SessionNotFoundException: unknown session
 *       ctx.response().setStatusCode(found.cause() instanceof CannotTellException ? 503 : 401).end();
 *       return;
 *     }
 *     GatewayRecord session = found.result();
 *     if (!session.active() || session.clientPublicKey() == null) {
 *       ctx.response().setStatusCode(401).end();
 *       return;
 *     }
 *     // the gateway's own job: RFC 9421 over the covered components (@method, @target-uri or @path and
 *     // @query, content-digest with a body), created within the skew, nonce not replayed, Ed25519 with
 *     // Base64.getDecoder().decode(session.clientPublicKey())
 *     if (!signatures.verify(ctx.request(), session.clientPublicKey())) {
 *       ctx.response().setStatusCode(401).end();
 *       return;
 *     }
 *     ctx.request().headers().set("X-User-ID", session.userId()).set("X-Session-ID", session.sessionId());
 *     proxy.handle(ctx.request());   // e.g. vertx-http-proxy's HttpProxy, to the upstream app
 *   });
 * });
 * }</pre>
 *
 * <p>Metrics are the gateway's: {@link io.latchkey.gateway.GatewayCache#stats()} gives the stream's state
 * (connected, fresh, node, cursor, last event) and counters to export however it exports its own.
 */
package io.latchkey.gateway;
