package io.latchkey.http;

import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * The JSON codec of every {@code JsonObject} in the process (HTTP bodies, clustered bus messages): Vert.x's
 * streaming {@link JacksonCodec} over jackson-core. Without this, Vert.x picks its databind codec whenever
 * jackson-databind is on the class path (Flyway brings it), which encodes a {@code JsonObject} through
 * databind's serializer lookup: more work and garbage per response for no gain, since nothing here maps
 * POJOs. Registered in {@code META-INF/services/io.vertx.core.spi.JsonFactory}.
 */
public final class StreamingJson implements JsonFactory {

  private static final JsonCodec CODEC = new JacksonCodec();

  @Override
  public int order() {
    return 0;
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }
}
