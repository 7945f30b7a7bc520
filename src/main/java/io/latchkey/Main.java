package io.latchkey;

import io.latchkey.config.AppConfig;
import io.latchkey.config.ConfigException;
import io.latchkey.config.ConfigLoader;
import io.latchkey.config.LogSettings;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Entry point: loads the configuration once, starts the node, and stops it gracefully on SIGTERM or
 * SIGINT. Any start-up failure is one clear log line and exit status 1.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    try {
      // before anything logs, and not through the log: logback has taken these as they are, however wrong
      LogSettings.check(System.getenv());
    } catch (ConfigException e) {
      System.err.println("Invalid configuration: " + e.getMessage());
      System.exit(1);
      return;
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    Application application;
    try {
      application = Application.start(loadConfig());
    } catch (ConfigException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(1);
      return;
    } catch (Exception e) {
      LOG.error("Start-up failed: {}", e.toString(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        application.stop();
      } catch (Exception e) {
        LOG.error("Shutdown did not complete cleanly", e);
      }
    }, "latchkey-shutdown"));
  }

  /** The configuration is read with a short-lived Vert.x, because the node's own depends on it. */
  private static AppConfig loadConfig() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      return ConfigLoader.load(vertx).await();
    } finally {
      vertx.close().await();
    }
  }
}
