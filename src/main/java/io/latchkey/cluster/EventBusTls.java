package io.latchkey.cluster;

import io.latchkey.config.AppConfig.ClusterTlsConfig;
import io.latchkey.config.ConfigException;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;

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
        .setTrustAll(false) // EventBusOptions default to trusting every server certificate
        .setClientAuth(ClientAuth.REQUIRED);
  }

  /**
   * Proves, before the node joins, that the files work together: a TLS handshake of the node with itself
   * on a loopback port, with the event bus's own options on both sides. It fails if the key does not belong
   * to the certificate or the certificate does not chain to the trusted CA, which the node would otherwise
   * only find out when every broadcast failed. Blocks (at most 10 s): call it from a plain thread.
   */
  static void selfCheck(EventBusOptions options) {
    Vertx vertx = Vertx.vertx();
    try {
      Promise<Void> accepted = Promise.promise();
      NetServer server = vertx.createNetServer(new NetServerOptions(options.toJson()).setHost("127.0.0.1").setPort(0))
          .exceptionHandler(accepted::tryFail)
          .connectHandler(socket -> {
            accepted.tryComplete();
            socket.close();
          });
      server.listen()
          .compose(listening -> vertx
              .createNetClient(new NetClientOptions(options.toJson()).setHostnameVerificationAlgorithm(""))
              .connect(listening.actualPort(), "127.0.0.1"))
          .compose(socket -> accepted.future())
          .timeout(10, TimeUnit.SECONDS)
          .await();
    } catch (Exception e) { // await() rethrows the handshake's checked SSLException as is
      throw new ConfigException("CLUSTER_TLS_KEY_PATH, CLUSTER_TLS_CERT_PATH and CLUSTER_TLS_TRUST_PATH do not "
          + "work together (a TLS handshake with this node's own event bus failed: " + rootMessage(e) + "); the "
          + "key must belong to the certificate, and the certificate must chain to the trusted CA");
    } finally {
      vertx.close().await();
    }
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
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
