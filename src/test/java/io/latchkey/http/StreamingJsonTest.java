package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import org.junit.jupiter.api.Test;

class StreamingJsonTest {

  @Test
  void theProcessEncodesWithTheStreamingCodecThoughDatabindIsOnTheClassPath() throws Exception {
    Class.forName("com.fasterxml.jackson.databind.ObjectMapper");

    assertThat(Json.CODEC.getClass()).isEqualTo(JacksonCodec.class);
  }

  @Test
  void bodiesRoundTripUnchanged() {
    JsonObject body = new JsonObject()
        .put("account_id", "0b9d7f1e-4a0c-4f5e-9c3a-2d1e8f7a6b5c")
        .put("session_id", null)
        .put("identities", new JsonArray().add(new JsonObject().put("kind", "email").put("subject", "zoë@example.org")))
        .put("revoked", 3)
        .put("current", true);

    Buffer encoded = body.toBuffer();

    assertThat(encoded.toString()).startsWith("{\"account_id\":\"0b9d7f1e-4a0c-4f5e-9c3a-2d1e8f7a6b5c\",\"session_id\":null,");
    assertThat(new JsonObject(encoded)).isEqualTo(body);
  }

  @Test
  void trailingContentAfterABodyIsRefused() {
    assertThatThrownBy(() -> Json.decodeValue("{\"a\":1} {\"b\":2}")).isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> Json.decodeValue("{\"a\":1")).isInstanceOf(DecodeException.class);
  }
}
