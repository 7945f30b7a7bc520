package io.latchkey.auth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.Credentials;
import java.util.Objects;
import java.util.UUID;

/**
 * A request that names its device-bound session in its signature ({@code keyid="<session id>"} in
 * {@code Signature-Input}, SPEC §6) and carries no bearer token: the signature is the credential. The
 * {@link SessionAuthProvider} finds the session; the signature guard then verifies the request with its key.
 */
public record KeyIdCredentials(UUID sessionId) implements Credentials {

  public KeyIdCredentials {
    Objects.requireNonNull(sessionId, "session_id");
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("keyid", sessionId.toString());
  }
}
