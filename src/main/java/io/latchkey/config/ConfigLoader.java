package io.latchkey.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Loads the configuration with vertx-config: {@code conf/config.json} (from the working directory, else
 * the copy inside the jar), then the environment variables named in {@link AppConfig#NAMES}, which win.
 * {@code LATCHKEY_CONFIG} may name another defaults file.
 */
public final class ConfigLoader {

  static final String DEFAULTS = "conf/config.json";

  private ConfigLoader() {}

  public static Future<AppConfig> load(Vertx vertx) {
    String file = System.getenv().getOrDefault("LATCHKEY_CONFIG", DEFAULTS);
    ConfigStoreOptions defaults = new ConfigStoreOptions()
        .setType("file")
        .setFormat("json")
        .setConfig(new JsonObject().put("path", file));
    ConfigStoreOptions environment = new ConfigStoreOptions()
        .setType("env")
        .setConfig(new JsonObject()
            .put("keys", new JsonArray(AppConfig.NAMES))
            .put("raw-data", true));
    ConfigRetriever retriever = ConfigRetriever.create(vertx,
        new ConfigRetrieverOptions().setScanPeriod(0).addStore(defaults).addStore(environment));
    return retriever.getConfig()
        .eventually(retriever::close)
        .map(AppConfig::from);
  }
}
