package io.latchkey.http;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * Who a request comes from, as the per-address limits count it. By default the TCP peer. Behind
 * {@code trustedHops} reverse proxies that each append the address they were connected from to
 * {@code X-Forwarded-For}, the entry that many places from the right: the leftmost entries are whatever
 * the client sent, so trusting them would let it pick its own address. IPv6 addresses count by their /64
 * (one customer's network), IPv4 addresses one by one.
 */
final class ClientAddress {

  static final String X_FORWARDED_FOR = "X-Forwarded-For";
  private static final String UNKNOWN = "unknown";

  private final int trustedHops;

  ClientAddress(int trustedHops) {
    this.trustedHops = trustedHops;
  }

  /** The limiter key of the request's client. */
  String of(HttpServerRequest request) {
    if (trustedHops > 0) {
      String forwarded = forwardedFor(request.headers().getAll(X_FORWARDED_FOR), trustedHops);
      String key = forwarded == null ? null : key(forwarded);
      if (key != null) {
        return key;
      }
    }
    SocketAddress peer = request.remoteAddress();
    String host = peer == null ? null : peer.hostAddress();
    if (host == null) {
      return UNKNOWN;
    }
    // the common case costs nothing more: a peer's IPv4 address is already canonical
    if (host.indexOf(':') < 0) {
      return host;
    }
    String key = key(host);
    return key == null ? host : key;
  }

  /**
   * The {@code hops}-th entry from the right of the {@code X-Forwarded-For} values (several header lines
   * count as one list, in order), or {@code null} when the list is shorter.
   */
  static String forwardedFor(List<String> values, int hops) {
    int remaining = hops;
    for (int i = values.size() - 1; i >= 0; i--) {
      String value = values.get(i);
      int end = value.length();
      while (true) {
        int comma = value.lastIndexOf(',', end - 1);
        if (--remaining == 0) {
          return value.substring(comma + 1, end).trim();
        }
        if (comma < 0) {
          break;
        }
        end = comma;
      }
    }
    return null;
  }

  /**
   * The limiter key of an IP address literal ({@code 192.0.2.7}, {@code 2001:db8::1},
   * {@code [2001:db8::1]:443}, {@code 192.0.2.7:5000}), or {@code null} when it is not one.
   */
  static String key(String literal) {
    String address = literal;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 0) {
        return null;
      }
      address = address.substring(1, close);
    } else if (address.indexOf(':') > 0 && address.indexOf(':') == address.lastIndexOf(':')) {
      address = address.substring(0, address.indexOf(':'));  // IPv4 with a port
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      return null;
    }
    if (bytes.length == 4) {
      return ipv4(bytes, 0);
    }
    if (isIpv4Mapped(bytes)) {
      return ipv4(bytes, 12);
    }
    StringBuilder prefix = new StringBuilder(24);
    for (int i = 0; i < 8; i += 2) {
      prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
    }
    return prefix.append(":/64").toString();
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  private static String ipv4(byte[] bytes, int from) {
    return (bytes[from] & 0xff) + "." + (bytes[from + 1] & 0xff) + "." + (bytes[from + 2] & 0xff) + "."
        + (bytes[from + 3] & 0xff);
  }
}
