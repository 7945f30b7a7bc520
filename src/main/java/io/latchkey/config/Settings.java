package io.latchkey.config;

import io.netty.util.NetUtil;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Typed, validated reads from the merged configuration object (conf/ defaults overlaid by environment
 * variables). Environment values arrive as strings, file values as JSON types; both are accepted.
 * Every failure names the setting but never echoes its value, because some settings are secrets.
 */
final class Settings {

  private static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final JsonObject source;

  Settings(JsonObject source) {
    this.source = source;
  }

  Optional<String> optionalString(String name) {
    Object value = source.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    String text = value.toString().trim();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  String string(String name) {
    return optionalString(name).orElseThrow(() -> new ConfigException(name + " must be set"));
  }

  long longValue(String name, long min, long max) {
    String text = string(name);
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be an integer between " + min + " and " + max);
    }
    if (value < min || value > max) {
      throw new ConfigException(name + " must be an integer between " + min + " and " + max);
    }
    return value;
  }

  int intValue(String name, int min, int max) {
    return (int) longValue(name, min, max);
  }

  boolean bool(String name) {
    String text = string(name).toLowerCase(java.util.Locale.ROOT);
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(name + " must be true or false");
    };
  }

  /** A comma-separated list of {@code host:port}; empty when unset. */
  List<String> hostPorts(String name) {
    Optional<String> text = optionalString(name);
    if (text.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String item : text.get().split(",")) {
      String member = item.trim();
      if (member.isEmpty()) {
        continue;
      }
      int colon = member.lastIndexOf(':');
      boolean valid = colon > 0 && colon < member.length() - 1;
      if (valid) {
        try {
          int port = Integer.parseInt(member.substring(colon + 1));
          valid = port > 0 && port <= 65535;
        } catch (NumberFormatException e) {
          valid = false;
        }
      }
      if (!valid) {
        throw new ConfigException(name + " must be a comma-separated list of host:port (one entry per member, no ranges)");
      }
      out.add(member);
    }
    return List.copyOf(out);
  }

  /**
   * A comma-separated list of IP addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code 2001:db8::/32},
   * {@code 192.0.2.7}: a single address), as {@code address/prefix} strings; empty when unset. Literals only:
   * a name is refused, so that nothing here ever waits on a DNS lookup or changes with one.
   */
  List<String> ipBlocks(String name) {
    Optional<String> text = optionalString(name);
    if (text.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String item : text.get().split(",")) {
      String block = item.trim();
      if (block.isEmpty()) {
        continue;
      }
      int slash = block.indexOf('/');
      String address = slash < 0 ? block : block.substring(0, slash);
      boolean v4 = NetUtil.isValidIpV4Address(address);
      if (!v4 && !NetUtil.isValidIpV6Address(address)) {
        throw new ConfigException(name + " must be a comma-separated list of IP addresses and CIDR blocks "
            + "(192.0.2.0/24, 2001:db8::/32), not host names");
      }
      int max = v4 ? 32 : 128;
      int prefix = max;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(block.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > max) {
          throw new ConfigException(name + " has a CIDR prefix length outside 0-" + max + " for an IPv"
              + (v4 ? "4" : "6") + " address");
        }
      }
      out.add(address + "/" + prefix);
    }
    return List.copyOf(out);
  }

  /** A path to a regular file this process can read; the message names the setting and the path. */
  Path readableFile(String name) {
    Path path = Path.of(string(name));
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(name + " names a file that does not exist or cannot be read: " + path);
    }
    return path;
  }

  String sqlIdentifier(String name) {
    String text = string(name);
    if (!SQL_IDENTIFIER.matcher(text).matches()) {
      throw new ConfigException(name + " must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)");
    }
    return text;
  }
}
