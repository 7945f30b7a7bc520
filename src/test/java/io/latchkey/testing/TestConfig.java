package io.latchkey.testing;

import io.latchkey.config.AppConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The shipped defaults (conf/config.json) with a test's overrides on top, as the environment would. */
public final class TestConfig {

  private TestConfig() {}

  public static JsonObject defaults() {
    try {
      return new JsonObject(Files.readString(Path.of("conf/config.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Defaults for a test node: port 0 (random), one HTTP instance per core, the given database. */
  public static AppConfig forDatabase(io.latchkey.db.DatabaseTarget database, Map<String, Object> overrides) {
    JsonObject json = defaults().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", 0).put("DATABASE_URL", database.url());
    overrides.forEach(json::put);
    return AppConfig.from(json);
  }
}
