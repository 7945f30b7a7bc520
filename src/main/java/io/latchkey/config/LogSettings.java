package io.latchkey.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code LOG_FORMAT} and {@code LOG_LEVEL}, which logback reads from the environment itself as it starts
 * (logback.xml), not from conf/config.json. Logback takes a value it does not know without a word (an
 * unknown format logs nothing at all, an unknown level logs at DEBUG), so they are checked here, before
 * the node logs anything: unset is the default, anything else must be one of the values below.
 */
public final class LogSettings {

  /** The formats, exactly as written here: they name logback.xml's appenders. */
  public static final List<String> FORMATS = List.of("text", "json");
  /** The levels, in any case, as logback reads them. */
  public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private LogSettings() {}

  /**
   * @param environment the process's environment variables
   * @throws ConfigException naming the first of the two that is set to a value logback would misread
   */
  public static void check(Map<String, String> environment) {
    String format = environment.get("LOG_FORMAT");
    if (format != null && !FORMATS.contains(format)) {
      throw new ConfigException("LOG_FORMAT must be " + String.join(" or ", FORMATS) + " (unset: text)");
    }
    String level = environment.get("LOG_LEVEL");
    if (level != null && !LEVELS.contains(level.toUpperCase(Locale.ROOT))) {
      throw new ConfigException(
          "LOG_LEVEL must be one of " + String.join(", ", LEVELS) + ", in any case (unset: INFO)");
    }
  }
}
