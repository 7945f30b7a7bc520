package io.latchkey.session;

import io.latchkey.auth.signature.Ed25519;
import io.vertx.core.json.JsonObject;
import java.security.InvalidKeyException;
import java.util.UUID;

/** Reads the fields of event-bus requests; anything malformed is an {@link IllegalArgumentException}. */
final class Fields {


  private Fields() {}

  static JsonObject body(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw new IllegalArgumentException("the request must be a JSON object");
    }
    return json;
  }

  static UUID uuid(JsonObject body, String name) {
    UUID value = optionalUuid(body, name);
    if (value == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }

  static UUID optionalUuid(JsonObject body, String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return null;
    }
    if (value instanceof String text && text.length() == 36) {
      try {
        return UUID.fromString(text);
      } catch (IllegalArgumentException e) {
        // fall through to the uniform message
      }
    }
    throw new IllegalArgumentException(name + " must be a UUID");
  }

  static TokenHash tokenHash(JsonObject body) {
    Object value = body.getValue("token_hash");
    if (value instanceof String text) {
      try {
        return TokenHash.fromBase64(text);
      } catch (IllegalArgumentException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException("token_hash must be the base64url SHA-256 of a token");
  }

  static String optionalString(JsonObject body, String name, int maxLength) {
    Object value = body.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.length() > maxLength) {
      throw new IllegalArgumentException(name + " must be a string of at most " + maxLength + " characters");
    }
    return text;
  }

  /** The optional device label; see {@link DeviceLabel}. */
  static String optionalDevice(JsonObject body) {
    String device = optionalString(body, "device", 2 * DeviceLabel.MAX_LENGTH);
    String problem = device == null ? null : DeviceLabel.problem(device);
    if (problem != null) {
      throw new IllegalArgumentException("device " + problem);
    }
    return device;
  }

  /** Checked again here, as on every way a key comes in ({@link Ed25519#clientPublicKey}). */
  static byte[] optionalPublicKey(JsonObject body) {
    Object value = body.getValue("client_public_key");
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("client_public_key must be standard base64 of a raw 32-byte Ed25519 key");
    }
    try {
      return Ed25519.clientPublicKey(text);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  static boolean flag(JsonObject body, String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException(name + " must be a boolean");
  }
}
