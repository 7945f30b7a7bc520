package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  @Test
  void theTrustedHopCountsFromTheRight() {
    List<String> header = List.of("203.0.113.9, 198.51.100.7, 192.0.2.1");

    assertThat(ClientAddress.forwardedFor(header, 1)).isEqualTo("192.0.2.1");
    assertThat(ClientAddress.forwardedFor(header, 2)).isEqualTo("198.51.100.7");
    assertThat(ClientAddress.forwardedFor(header, 3)).isEqualTo("203.0.113.9");
    assertThat(ClientAddress.forwardedFor(header, 4)).as("shorter than the proxy chain").isNull();
    assertThat(ClientAddress.forwardedFor(List.of(), 1)).isNull();
  }

  @Test
  void severalHeaderLinesAreOneList() {
    List<String> lines = List.of("203.0.113.9", "198.51.100.7,192.0.2.1");

    assertThat(ClientAddress.forwardedFor(lines, 1)).isEqualTo("192.0.2.1");
    assertThat(ClientAddress.forwardedFor(lines, 2)).isEqualTo("198.51.100.7");
    assertThat(ClientAddress.forwardedFor(lines, 3)).isEqualTo("203.0.113.9");
  }

  @Test
  void ipv4AddressesCountOneByOne() {
    assertThat(ClientAddress.key("192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(ClientAddress.key("192.0.2.7:5000")).isEqualTo("192.0.2.7");
    assertThat(ClientAddress.key("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
  }

  @Test
  void ipv6AddressesCountByTheirSlash64() {
    String key = ClientAddress.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd");

    assertThat(key).isEqualTo("2001:db8:1:2::/64");
    assertThat(ClientAddress.key("2001:db8:1:2::1")).isEqualTo(key);
    assertThat(ClientAddress.key("[2001:db8:1:2::99]:443")).isEqualTo(key);
    assertThat(ClientAddress.key("2001:0db8:0001:0002:0:0:0:1")).isEqualTo(key);
    assertThat(ClientAddress.key("2001:db8:1:3::1")).isNotEqualTo(key);
  }

  @Test
  void anythingElseIsNoAddress() {
    assertThat(ClientAddress.key("")).isNull();
    assertThat(ClientAddress.key("unknown")).isNull();
    assertThat(ClientAddress.key("example.com")).isNull();
    assertThat(ClientAddress.key("999.1.1.1")).isNull();
    assertThat(ClientAddress.key("[2001:db8::1")).isNull();
    assertThat(ClientAddress.key("' OR 1=1 --")).isNull();
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
    assertThat(RateLimitGuard.retryAfterSeconds(1)).isEqualTo(1);
    assertThat(RateLimitGuard.retryAfterSeconds(1_000_000_000L)).isEqualTo(1);
    assertThat(RateLimitGuard.retryAfterSeconds(1_000_000_001L)).isEqualTo(2);
    assertThat(RateLimitGuard.retryAfterSeconds(59_500_000_000L)).isEqualTo(60);
  }
}
