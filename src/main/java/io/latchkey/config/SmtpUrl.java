package io.latchkey.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where login mails go, parsed once from {@code SMTP_URL}:
 * {@code smtp://[user[:password]@]host[:port][?starttls=required|optional|disabled]} (port 587 unless
 * given) or {@code smtps://[user[:password]@]host[:port]} (TLS from the first byte, port 465 unless given).
 * User and password are percent-decoded. STARTTLS defaults to {@code required} when the URL carries a
 * user (a password is never sent in clear) and to {@code optional} otherwise (a local relay). TLS always
 * verifies the server's certificate and host name. {@link #toString()} never shows the password.
 */
public record SmtpUrl(String host, int port, boolean implicitTls, StartTls startTls, String user, String password) {

  /** What to do about STARTTLS on a plain {@code smtp://} connection. */
  public enum StartTls { REQUIRED, OPTIONAL, DISABLED }

  /**
   * @throws ConfigException naming {@code SMTP_URL} without echoing it (it may carry a password)
   */
  public static SmtpUrl parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalid("is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls = switch (scheme) {
      case "smtp" -> false;
      case "smtps" -> true;
      default -> throw invalid("must start with smtp:// or smtps://");
    };
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw invalid("must name a host");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw invalid("must not have a path");
    }
    if (uri.getRawFragment() != null) {
      throw invalid("must not have a fragment");
    }
    int port = uri.getPort() == -1 ? (tls ? 465 : 587) : uri.getPort();
    if (port < 1 || port > 65535) {
      throw invalid("must have a port between 1 and 65535");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
      if (user.isEmpty()) {
        throw invalid("has an empty user name");
      }
    }
    StartTls startTls = tls ? StartTls.DISABLED : user != null ? StartTls.REQUIRED : StartTls.OPTIONAL;
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (!pair.startsWith("starttls=")) {
          throw invalid("takes only the query parameter starttls");
        }
        if (tls) {
          throw invalid("uses TLS from the start with smtps://; starttls applies to smtp:// only");
        }
        startTls = switch (pair.substring("starttls=".length())) {
          case "required" -> StartTls.REQUIRED;
          case "optional" -> StartTls.OPTIONAL;
          case "disabled" -> StartTls.DISABLED;
          default -> throw invalid("takes starttls=required, optional or disabled");
        };
      }
    }
    return new SmtpUrl(uri.getHost(), port, tls, startTls, user, password);
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid("has a broken %-escape in its user or password");
    }
  }

  private static ConfigException invalid(String why) {
    return new ConfigException("SMTP_URL " + why
        + " (smtp://user:password@host:port?starttls=required|optional|disabled, or smtps://user:password@host:port)");
  }

  @Override
  public String toString() {
    return (implicitTls ? "smtps://" : "smtp://") + (user == null ? "" : user + "@") + host + ":" + port
        + (implicitTls ? "" : " (STARTTLS " + startTls.name().toLowerCase(Locale.ROOT) + ")");
  }
}
