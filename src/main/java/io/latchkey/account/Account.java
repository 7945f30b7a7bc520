package io.latchkey.account;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** An account with all its identities, oldest first. */
public record Account(UUID accountId, String status, Instant createdAt, List<Identity> identities) {

  /** Reads {@link #toJson()}'s form. */
  public static Account fromJson(JsonObject json) {
    List<Identity> identities = new ArrayList<>();
    for (Object item : json.getJsonArray("identities")) {
      JsonObject identity = (JsonObject) item;
      identities.add(new Identity(IdentityKind.fromWire(identity.getString("kind")).orElseThrow(),
          identity.getString("subject")));
    }
    return new Account(UUID.fromString(json.getString("account_id")), json.getString("status"),
        Instant.ofEpochMilli(json.getLong("created_at_ms")), List.copyOf(identities));
  }

  public JsonObject toJson() {
    JsonArray ids = new JsonArray();
    identities.forEach(identity -> ids.add(identity.toJson()));
    return new JsonObject()
        .put("account_id", accountId.toString())
        .put("status", status)
        .put("created_at_ms", createdAt.toEpochMilli())
        .put("identities", ids);
  }
}
