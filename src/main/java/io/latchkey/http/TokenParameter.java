package io.latchkey.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The {@code token} of an RFC 7662 introspection or RFC 7009 revocation request. Its {@code Content-Type}
 * decides how the body is read: {@code application/x-www-form-urlencoded} ({@code token=…[&token_type_hint=…]},
 * what OAuth clients send) or {@code application/json} ({@code {"token":"…"}}, SPEC §5a). A token sent in two
 * places is ambiguous (a proxy in front may have looked at the other one) and a 400: two {@code token}
 * parameters, two {@code Content-Type} headers, or a token in the query string as well as (or instead of)
 * the body. {@code token_type_hint} is optional and, as RFC 7009 §2.1 allows, does not narrow the search:
 * every token this service knows is a session token. Other parameters are ignored (RFC 7662 §2.1).
 *
 * <p>Any token that fits in the body is answered, however long: RFC 7662 §2.2 answers a token the service
 * cannot vouch for as inactive, and the session service rejects one of the wrong shape on its length before
 * hashing or looking anything up; the body limit ({@code HTTP_MAX_BODY_BYTES}, 413) bounds it.
 */
final class TokenParameter {

  static final String FORM = "application/x-www-form-urlencoded";
  static final String JSON = "application/json";
  private static final String TOKEN = "token";
  private static final String HINT = "token_type_hint";

  private TokenParameter() {}

  static String read(RoutingContext ctx) {
    List<String> contentTypes = ctx.request().headers().getAll(HttpHeaders.CONTENT_TYPE);
    if (contentTypes.size() > 1) {
      throw Inputs.invalid("Send one Content-Type header, not several.");
    }
    if (!ctx.queryParam(TOKEN).isEmpty() || !ctx.queryParam(HINT).isEmpty()) {
      throw Inputs.invalid("The token goes in the request body, never in the URL.");
    }
    // the route consumes only the two media types, so the header is one of them
    return isForm(contentTypes.get(0)) ? fromForm(ctx.body().buffer()) : fromJson(Inputs.jsonObject(ctx));
  }

  private static boolean isForm(String contentType) {
    return contentType.toLowerCase(Locale.ROOT).startsWith(FORM);
  }

  private static String fromJson(JsonObject body) {
    String token = Inputs.string(body, TOKEN);
    Object hint = body.getValue(HINT);
    if (hint != null && !(hint instanceof String)) {
      throw Inputs.invalid("'" + HINT + "' must be a string.");
    }
    return token;
  }

  /**
   * HTML's application/x-www-form-urlencoded parsing, strictly: a malformed percent-escape is a 400 rather
   * than a guess, and each of the two parameters may appear once (RFC 6749 §3.1).
   */
  private static String fromForm(Buffer body) {
    String token = null;
    boolean hint = false;
    String text = body == null ? "" : body.toString(StandardCharsets.ISO_8859_1);
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      if (TOKEN.equals(name)) {
        if (token != null) {
          throw Inputs.invalid("Send 'token' once, not several times.");
        }
        token = value;
      } else if (HINT.equals(name)) {
        if (hint) {
          throw Inputs.invalid("Send '" + HINT + "' at most once.");
        }
        hint = true;
      }
    }
    if (token == null) {
      throw Inputs.invalid(text.startsWith("{")
          ? "The form has no 'token' (the body looks like JSON: send it as Content-Type: application/json)."
          : "The form has no 'token': send token=<token>.");
    }
    return token;
  }

  private static String decode(String encoded) {
    try {
      return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Inputs.invalid("The body is not valid application/x-www-form-urlencoded (a malformed %-escape).");
    }
  }
}
