package io.latchkey.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The cluster-wide revocation broadcast on {@link SessionAddresses#INVALIDATED}:
 * <pre>{@code
 * {"v": 1,
 *  "revoked_at_ms": 1732350000000,
 *  "account_id": "…",                    // present when all (or all but one) of an account's sessions went
 *  "sessions": [{"session_id": "…", "account_id": "…", "token_hash": "<base64url SHA-256>"}, …]}
 * }</pre>
 * It carries the SHA-256 of each revoked session's token so that every node can find the cache entry
 * directly; never a token. A hash of a revoked token grants nothing. Receivers ignore fields they do not
 * know, so the shape can grow; {@code v} changes only for an incompatible change.
 */
public record Invalidation(long revokedAtMs, UUID accountId, List<Revoked> sessions) {

  public static final int VERSION = 1;

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    for (Revoked r : sessions) {
      list.add(new JsonObject()
          .put("session_id", r.sessionId().toString())
          .put("account_id", r.accountId().toString())
          .put("token_hash", r.tokenHash().toBase64()));
    }
    JsonObject json = new JsonObject().put("v", VERSION).put("revoked_at_ms", revokedAtMs).put("sessions", list);
    if (accountId != null) {
      json.put("account_id", accountId.toString());
    }
    return json;
  }

  /**
   * @throws IllegalArgumentException for a message this version cannot apply
   */
  public static Invalidation fromJson(JsonObject json) {
    Integer version = json.getInteger("v");
    if (version == null || version != VERSION) {
      throw new IllegalArgumentException("unsupported invalidation version " + version);
    }
    long at = json.getLong("revoked_at_ms");
    List<Revoked> sessions = new ArrayList<>();
    for (Object item : json.getJsonArray("sessions")) {
      JsonObject s = (JsonObject) item;
      sessions.add(new Revoked(UUID.fromString(s.getString("session_id")), UUID.fromString(s.getString("account_id")),
          TokenHash.fromBase64(s.getString("token_hash")), at));
    }
    String account = json.getString("account_id");
    return new Invalidation(at, account == null ? null : UUID.fromString(account), List.copyOf(sessions));
  }
}
