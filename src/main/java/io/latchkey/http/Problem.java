package io.latchkey.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An RFC 9457 problem: the one shape every error of the API takes. {@code type} is a URN naming the
 * problem for machines; {@code about:blank} when the HTTP status says everything.
 */
public record Problem(String type, String title, int status, String detail, JsonObject extensions) {

  public static final String CONTENT_TYPE = "application/problem+json";

  public Problem(String type, String title, int status, String detail) {
    this(type, title, status, detail, null);
  }

  /** This problem with one more member (RFC 9457 §3.2 extension), e.g. {@code attempts_left}. */
  public Problem with(String member, Object value) {
    JsonObject more = extensions == null ? new JsonObject() : extensions.copy();
    return new Problem(type, title, status, detail, more.put(member, value));
  }

  /** A problem whose status code is the whole story (404, 405, 413, ...). */
  public static Problem ofStatus(int status, String detail) {
    return new Problem("about:blank", HttpResponseStatus.valueOf(status).reasonPhrase(), status, detail);
  }

  /** A named problem, typed {@code urn:latchkey:problem:<name>}. */
  public static Problem named(String name, int status, String title, String detail) {
    return new Problem("urn:latchkey:problem:" + name, title, status, detail);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", type).put("title", title).put("status", status).put("detail", detail);
    if (extensions != null) {
      extensions.forEach(member -> json.put(member.getKey(), member.getValue()));
    }
    return json;
  }

  /** Writes this problem as the response, unless one was already sent. */
  public void send(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
        .end(toJson().toBuffer());
  }
}
