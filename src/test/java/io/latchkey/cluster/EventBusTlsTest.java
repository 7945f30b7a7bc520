package io.latchkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.config.AppConfig.ClusterTlsConfig;
import io.latchkey.config.ConfigException;
import io.latchkey.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event-bus TLS files are checked against each other before a node joins; a bad set stops start-up. */
class EventBusTlsTest {

  @TempDir
  static Path dir;

  private static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir.resolve("tls"));
  }

  @Test
  @DisplayName("a key, its certificate and the CA that issued it: mutual TLS, and the self-check passes")
  void aMatchingSetTurnsOnMutualTls() {
    EventBusOptions options = EventBusTls.apply(new EventBusOptions(), tls(certs.key("node"), certs.cert("node"),
        certs.ca()));

    assertThat(options.isSsl()).isTrue();
    assertThat(options.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(options.isTrustAll()).isFalse();
    EventBusTls.selfCheck(options);
  }

  @Test
  @DisplayName("a key that is not the certificate's, or a certificate the trusted CA did not issue, stops start-up")
  void filesThatDoNotBelongTogetherAreAConfigurationError() {
    for (ClusterTlsConfig bad : new ClusterTlsConfig[] {
        tls(certs.key("rogue"), certs.cert("node"), certs.ca()),
        tls(certs.key("rogue"), certs.cert("rogue"), certs.ca()),
        tls(certs.key("node"), certs.cert("node"), certs.cert("rogue"))}) {
      EventBusOptions options = EventBusTls.apply(new EventBusOptions(), bad);
      assertThatThrownBy(() -> EventBusTls.selfCheck(options))
          .as(bad.toString())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("do not work together");
    }
  }

  @Test
  @DisplayName("a node's event-bus client refuses a server whose certificate the trusted CA did not issue")
  void aNodeDoesNotSendToAnUntrustedPeer() {
    EventBusOptions node = EventBusTls.apply(new EventBusOptions(), tls(certs.key("node"), certs.cert("node"),
        certs.ca()));
    EventBusOptions rogue = EventBusTls.apply(new EventBusOptions(), tls(certs.key("rogue"), certs.cert("rogue"),
        certs.ca()));
    Vertx vertx = Vertx.vertx();
    try {
      int port = vertx.createNetServer(new NetServerOptions(rogue.toJson()).setHost("127.0.0.1").setPort(0))
          .connectHandler(socket -> { })
          .listen().await().actualPort();
      // the client the clustered event bus builds from its options (Vert.x 5 ClusteredEventBus)
      NetClient client = vertx.createNetClient(new NetClientOptions(node.toJson()).setHostnameVerificationAlgorithm(""));

      assertThatThrownBy(() -> client.connect(port, "127.0.0.1").await())
          .isInstanceOf(SSLHandshakeException.class);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void filesThatAreNotPemAreNamed() throws Exception {
    Path csr = dir.resolve("tls").resolve("node.csr");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");

    assertThatThrownBy(() -> EventBusTls.apply(new EventBusOptions(), tls(certs.key("node"), csr, certs.ca())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("CLUSTER_TLS_CERT_PATH holds no");
    assertThatThrownBy(() -> EventBusTls.apply(new EventBusOptions(), tls(certs.key("node"), certs.cert("node"), empty)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("CLUSTER_TLS_TRUST_PATH holds no");
    assertThatThrownBy(() -> EventBusTls.apply(new EventBusOptions(), tls(certs.cert("node"), certs.cert("node"),
        certs.ca())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("CLUSTER_TLS_KEY_PATH holds no PEM private key");
  }

  private static ClusterTlsConfig tls(Path key, Path cert, Path trust) {
    return new ClusterTlsConfig(key, cert, trust);
  }
}
