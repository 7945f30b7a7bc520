package io.latchkey.cluster;

import io.latchkey.config.AppConfig.ClusterTlsConfig;
import io.latchkey.config.ConfigException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * Mutual TLS on the clustered event bus. Every node is both server (its event-bus port) and client (its
 * connections to the other nodes), with the same key and certificate on both sides, and accepts a peer only
 * if the peer's certificate chains to CLUSTER_TLS_TRUST_PATH: a connection without such a certificate, or
 * without TLS, is closed in the handshake before one event-bus frame is read. Vert.x does not verify host
 * names on event-bus connections, so every certificate the trusted CA issued is a peer: use a CA of the
 * cluster's own.
 */
final class EventBusTls {

  private EventBusTls() {}

  /** Turns on mutual TLS with the PEM files, read now so that a bad file is a configuration error. */
  static EventBusOptions apply(EventBusOptions options, ClusterTlsConfig tls) {
    Buffer key = read("CLUSTER_TLS_KEY_PATH", tls.keyPath());
    if (!key.toString(StandardCharsets.US_ASCII).contains("PRIVATE KEY-----")) {
      throw new ConfigException("CLUSTER_TLS_KEY_PATH holds no PEM private key: " + tls.keyPath());
    }
    return options
        .setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setKeyValue(key)
            .setCertValue(certificates("CLUSTER_TLS_CERT_PATH", tls.certPath())))
        .setTrustOptions(new PemTrustOptions().addCertValue(certificates("CLUSTER_TLS_TRUST_PATH", tls.trustPath())))
        .setClientAuth(ClientAuth.REQUIRED);
  }

  private static Buffer certificates(String setting, Path path) {
    Buffer pem = read(setting, path);
    try {
      if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes()))
          .isEmpty()) {
        throw new ConfigException(setting + " holds no PEM certificate: " + path);
      }
    } catch (CertificateException e) {
      throw new ConfigException(setting + " holds no valid PEM certificate: " + path);
    }
    return pem;
  }

  private static Buffer read(String setting, Path path) {
    try {
      return Buffer.buffer(Files.readAllBytes(path));
    } catch (IOException e) {
      throw new ConfigException(setting + " names a file that cannot be read: " + path);
    }
  }
}
