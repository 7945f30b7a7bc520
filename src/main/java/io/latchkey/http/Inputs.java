package io.latchkey.http;

import io.latchkey.auth.signature.Ed25519;
import io.latchkey.session.DeviceLabel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.InvalidKeyException;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reads request input; anything malformed becomes a precise 400 problem before any action runs. */
final class Inputs {

  private static final Pattern CANONICAL_UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Inputs() {}

  /** The body as a JSON object: empty, malformed JSON and JSON that is not an object are 400s. */
  static JsonObject jsonObject(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw invalid("The request body must be a JSON object; it is empty.");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw invalid("The request body is not valid JSON.");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw invalid("The request body must be a JSON object.");
    }
    return object;
  }

  static UUID pathUuid(RoutingContext ctx, String name) {
    return uuid(ctx.pathParam(name), "The path segment '" + name + "' must be a UUID.");
  }

  static UUID uuid(String text, String problem) {
    try {
      return UUID.fromString(canonicalUuid(text));
    } catch (IllegalArgumentException e) {
      throw invalid(problem);
    }
  }

  /**
   * The text itself if it has the canonical 8-4-4-4-12 hex form ({@link UUID#fromString} alone also
   * accepts shorter groups).
   *
   * @throws IllegalArgumentException otherwise
   */
  static String canonicalUuid(String text) {
    if (text == null || !CANONICAL_UUID.matcher(text).matches()) {
      throw new IllegalArgumentException("not a UUID");
    }
    return text;
  }

  /** A required string field. */
  static String string(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      throw invalid("'" + field + "' is required.");
    }
    if (!(value instanceof String text)) {
      throw invalid("'" + field + "' must be a string.");
    }
    return text;
  }

  /** An optional string field; null when absent or JSON null. */
  static String optionalString(JsonObject body, String field, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw invalid("'" + field + "' must be a string.");
    }
    if (text.length() > maxLength) {
      throw invalid("'" + field + "' must be at most " + maxLength + " characters.");
    }
    return text;
  }

  /** An optional device label; null when absent or JSON null; what {@link DeviceLabel} refuses is a 400. */
  static String deviceLabel(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw invalid("'" + field + "' must be a string.");
    }
    String problem = DeviceLabel.problem(text);
    if (problem != null) {
      throw invalid("'" + field + "' " + problem + ".");
    }
    return text;
  }

  static String requiredQuery(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      throw invalid("The query parameter '" + name + "' is required.");
    }
    return value;
  }

  /** The default and the largest page of a list ({@code limit}). */
  static final int PAGE_DEFAULT = 100;
  static final int PAGE_MAX = 1000;

  /** Whether the query names the parameter at all (even empty). */
  static boolean hasQuery(RoutingContext ctx, String name) {
    return !ctx.queryParam(name).isEmpty();
  }

  /** A query parameter given at most once, or null; a repeated one is a 400 (which one would count?). */
  static String optionalQuery(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.size() > 1) {
      throw invalid("The query parameter '" + name + "' must be given at most once.");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /** {@code limit}: 1 to {@value #PAGE_MAX}, {@value #PAGE_DEFAULT} when absent. */
  static int limit(RoutingContext ctx) {
    String text = optionalQuery(ctx, "limit");
    if (text == null) {
      return PAGE_DEFAULT;
    }
    if (!text.matches("[0-9]{1,4}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > PAGE_MAX) {
      throw invalid("The query parameter 'limit' must be an integer from 1 to " + PAGE_MAX + ".");
    }
    return Integer.parseInt(text);
  }

  /** An optional UUID query parameter (a cursor, a filter); null when absent. */
  static UUID optionalQueryUuid(RoutingContext ctx, String name) {
    String text = optionalQuery(ctx, name);
    return text == null ? null : uuid(text, "The query parameter '" + name + "' must be a UUID.");
  }

  /**
   * The optional {@code {"reason":"…"}} body of an admin action: no body at all, or a JSON object whose
   * {@code reason} (if any) follows the device label's rule (printable, at most 200 characters).
   */
  static String reason(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return null;
    }
    JsonObject json = jsonObject(ctx);
    String reason = optionalString(json, "reason", DeviceLabel.MAX_LENGTH);
    if (reason != null) {
      String problem = reason.isEmpty() ? "must not be empty" : DeviceLabel.problem(reason);
      if (problem != null) {
        throw invalid("'reason' " + problem + ".");
      }
    }
    return reason;
  }

  /**
   * The optional {@code client_public_key} of a session being created (internal create and every login):
   * standard base64 of a raw 32-byte Ed25519 key; null when absent. The one place a key is checked when it
   * arrives (SPEC §6).
   */
  static byte[] clientPublicKey(JsonObject body) {
    String encoded = optionalString(body, "client_public_key", 64);
    if (encoded == null) {
      return null;
    }
    try {
      return Ed25519.clientPublicKey(encoded);
    } catch (InvalidKeyException e) {
      throw invalid(e.getMessage());
    }
  }

  /** The optional {@code device} label of a session being created. */
  static String device(JsonObject body) {
    return deviceLabel(body, "device");
  }

  static ProblemException invalid(String detail) {
    return new ProblemException(Problem.named("invalid-request", 400, "Invalid request", detail));
  }
}
