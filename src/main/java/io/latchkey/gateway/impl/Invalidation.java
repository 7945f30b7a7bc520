package io.latchkey.gateway.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code revoked} event of the invalidation stream, as far as a cache needs it:
 * {@code {"account_id"?, "sessions":[{"session_id","account_id","token_hash"}], "revoked_at_ms", "reason"}}.
 * {@code account_id} is present only when every session of that account was revoked.
 */
record Invalidation(List<String> sessionIds, String accountId, long revokedAtMs) {

  /**
   * @throws IllegalArgumentException when the data is not such an event (a field missing, of the wrong type,
   *     or an id that is not a UUID)
   */
  static Invalidation fromJson(JsonObject data) {
    try {
      JsonArray sessions = data.getJsonArray("sessions");
      Long at = data.getLong("revoked_at_ms");
      if (sessions == null || at == null) {
        throw new IllegalArgumentException("'sessions' and 'revoked_at_ms' are required");
      }
      List<String> ids = new ArrayList<>(sessions.size());
      for (int i = 0; i < sessions.size(); i++) {
        ids.add(id(sessions.getJsonObject(i).getString("session_id"), "session_id"));
      }
      String account = data.getString("account_id");
      return new Invalidation(List.copyOf(ids), account == null ? null : id(account, "account_id"), at);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("not a revoked event: " + e.getMessage(), e);
    }
  }

  private static String id(String text, String name) {
    String id = Ids.canonical(text);
    if (id == null) {
      throw new IllegalArgumentException(name + " is not a UUID");
    }
    return id;
  }
}
