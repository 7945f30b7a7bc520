package io.latchkey.http;

import io.latchkey.account.Account;
import io.latchkey.account.Identity;
import io.latchkey.auth.signature.Ed25519;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.UUID;

/**
 * The exact response shapes of SPEC §5a, built from the session verticle's replies. Times become RFC
 * 3339 UTC strings unless the field name ends in {@code _ms}.
 */
final class Wire {

  private Wire() {}

  static String time(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
  }

  static JsonArray identities(JsonObject account) {
    JsonArray out = new JsonArray();
    for (Object item : account.getJsonArray("identities")) {
      JsonObject identity = (JsonObject) item;
      out.add(new JsonObject().put("kind", identity.getString("kind")).put("subject", identity.getString("subject")));
    }
    return out;
  }

  /** {@code GET /user/me}. */
  static JsonObject me(Account account, UUID sessionId) {
    JsonArray identities = new JsonArray(new ArrayList<>(account.identities().size()));
    for (Identity identity : account.identities()) {
      identities.add(new JsonObject().put("kind", identity.kind().wireName()).put("subject", identity.subject()));
    }
    return new JsonObject()
        .put("account_id", account.accountId().toString())
        .put("session_id", sessionId == null ? null : sessionId.toString())
        .put("identities", identities);
  }

  /** An item of {@code GET /user/sessions}. */
  static JsonObject userSession(JsonObject record, UUID current) {
    return new JsonObject()
        .put("session_id", record.getString("session_id"))
        .put("device", record.getString("device"))
        .put("created_at", time(record.getLong("created_at_ms")))
        .put("last_seen_at", time(record.getLong("last_seen_at_ms")))
        .put("current", current != null && current.toString().equals(record.getString("session_id")))
        .put("client_key_thumbprint", thumbprint(record.getString("client_public_key")));
  }

  /** RFC 7638 thumbprint of a device key: identifies the device without handing out its key. */
  static String thumbprint(String clientPublicKey) {
    return clientPublicKey == null ? null : Ed25519.thumbprint(Base64.getDecoder().decode(clientPublicKey));
  }

  /** An item of {@code GET /admin/accounts/{id}/sessions}. */
  static JsonObject adminSession(JsonObject record) {
    return new JsonObject()
        .put("session_id", record.getString("session_id"))
        .put("status", record.getString("status"))
        .put("device", record.getString("device"))
        .put("created_at", time(record.getLong("created_at_ms")))
        .put("last_seen_at", time(record.getLong("last_seen_at_ms")))
        .put("revoked_at", time(record.getLong("revoked_at_ms")));
  }

  /** {@code GET /admin/accounts/…}. */
  static JsonObject adminAccount(JsonObject account) {
    return new JsonObject()
        .put("account_id", account.getString("account_id"))
        .put("created_at", time(account.getLong("created_at_ms")))
        .put("identities", identities(account));
  }

  /** {@code GET /internal/sessions/{id}}: the record a gateway cache needs (seed 002's Record). */
  static JsonObject internalRecord(JsonObject record) {
    return new JsonObject()
        .put("session_id", record.getString("session_id"))
        .put("account_id", record.getString("account_id"))
        .put("client_public_key", record.getString("client_public_key"))
        .put("status", record.getString("status"))
        .put("revoked_at_ms", record.getLong("revoked_at_ms"));
  }

  /** {@code POST /internal/sessions/introspect} for an active session (RFC 7662 shape). */
  static JsonObject introspection(JsonObject lookup) {
    return new JsonObject()
        .put("active", true)
        .put("sub", lookup.getString("account_id"))
        .put("sid", lookup.getString("session_id"))
        .put("iat", lookup.getLong("created_at_ms") / 1000)
        .put("client_public_key", lookup.getString("client_public_key"));
  }
}
