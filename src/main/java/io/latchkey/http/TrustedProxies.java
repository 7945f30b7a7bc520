package io.latchkey.http;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which TCP peers forward auth takes the word of about the original request (its method, URI, host and
 * scheme, in {@code X-Forwarded-*} / {@code X-Original-*} headers or, Envoy's way, in the request itself).
 * With {@code FORWARD_AUTH_TRUSTED_PROXIES} set, the peers in those addresses and CIDR blocks and no others.
 * Unset, the rule the client address already follows ({@code HTTP_TRUSTED_PROXY_HOPS}): when the operator
 * says proxies stand in front of the node, every peer is one; with no hops, no peer is, and device-bound
 * sessions cannot pass forward auth (their signature cannot be checked against an original nobody vouches
 * for). An IPv4 peer seen as an IPv4-mapped IPv6 address counts as its IPv4 address.
 */
final class TrustedProxies {

  private final List<IpSubnetFilterRule> rules;
  private final boolean everyPeer;

  private TrustedProxies(List<IpSubnetFilterRule> rules, boolean everyPeer) {
    this.rules = rules;
    this.everyPeer = everyPeer;
  }

  /**
   * @param blocks IP literals with a prefix length ({@code 10.0.0.0/8}, {@code ::1/128}), as the configuration
   *     validated them; empty: fall back to {@code trustedProxyHops}
   */
  static TrustedProxies of(List<String> blocks, int trustedProxyHops) {
    List<IpSubnetFilterRule> rules = blocks.stream().map(block -> {
      int slash = block.indexOf('/');
      return new IpSubnetFilterRule(address(block.substring(0, slash)), Integer.parseInt(block.substring(slash + 1)),
          IpFilterRuleType.ACCEPT);
    }).toList();
    return new TrustedProxies(rules, rules.isEmpty() && trustedProxyHops > 0);
  }

  boolean trusts(HttpServerRequest request) {
    return everyPeer || !rules.isEmpty() && trusts(request.remoteAddress());
  }

  /** Whether a TCP peer is one of the configured proxies. */
  boolean trusts(SocketAddress peer) {
    if (everyPeer) {
      return true;
    }
    String host = peer == null ? null : peer.hostAddress();
    if (host == null || !NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
      return false;
    }
    InetSocketAddress address = new InetSocketAddress(address(host), Math.max(peer.port(), 0));
    for (IpSubnetFilterRule rule : rules) {
      if (rule.matches(address)) {
        return true;
      }
    }
    return false;
  }

  /** An IP literal as an address, without a name lookup; an IPv4-mapped IPv6 address becomes IPv4. */
  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(literal));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + literal, e);
    }
  }
}
