package io.latchkey.config;

/** A setting is missing or has a value the service cannot run with. The message names the setting. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
