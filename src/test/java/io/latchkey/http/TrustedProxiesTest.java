package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

  private static SocketAddress peer(String host) {
    return SocketAddress.inetSocketAddress(40_000, host);
  }

  @Test
  void configuredBlocksAreTheOnlyProxies() {
    TrustedProxies proxies = TrustedProxies.of(List.of("10.1.0.0/16", "192.0.2.7/32", "2001:db8::/32"), 3);

    assertThat(proxies.trusts(peer("10.1.255.9"))).isTrue();
    assertThat(proxies.trusts(peer("192.0.2.7"))).isTrue();
    assertThat(proxies.trusts(peer("2001:db8:0:1::5"))).isTrue();
    // an IPv4 peer as a dual-stack socket reports it
    assertThat(proxies.trusts(peer("::ffff:10.1.2.3"))).isTrue();

    assertThat(proxies.trusts(peer("10.2.0.1"))).isFalse();
    assertThat(proxies.trusts(peer("192.0.2.8"))).isFalse();
    assertThat(proxies.trusts(peer("2001:db9::1"))).isFalse();
    assertThat(proxies.trusts(peer("not-an-address"))).isFalse();
    assertThat(proxies.trusts((SocketAddress) null)).isFalse();
  }

  @Test
  void withoutBlocksProxyHopsDecideForEveryPeerAlike() {
    assertThat(TrustedProxies.of(List.of(), 1).trusts(peer("203.0.113.9"))).isTrue();
    assertThat(TrustedProxies.of(List.of(), 0).trusts(peer("127.0.0.1"))).isFalse();
  }
}
