package io.latchkey.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throw-away certificates made at test time with the JDK's keytool (EC P-256, valid two days): a CA, a
 * node certificate the CA issued, and a self-signed "rogue" one the CA never saw. Each is written as PEM
 * ({@code <name>.key}, {@code <name>.crt}, and {@code ca.crt}) for the nodes' CLUSTER_TLS_* settings.
 * Nothing here is ever committed: the files live in the test's temporary directory.
 */
public final class TestCertificates {

  private static final char[] STORE_PASSWORD = "test-only".toCharArray();

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Creates the CA, {@code node} (issued by the CA) and {@code rogue} (self-signed) in {@code dir}. */
  public static TestCertificates create(Path dir) throws Exception {
    Files.createDirectories(dir);
    TestCertificates certs = new TestCertificates(dir);
    certs.keytool("-genkeypair", "-alias", "ca", "-keystore", "ca.p12", "-dname", "CN=latchkey test CA",
        "-ext", "bc:c", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
    certs.keytool("-genkeypair", "-alias", "node", "-keystore", "node.p12", "-dname", "CN=latchkey node",
        "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
    certs.keytool("-certreq", "-alias", "node", "-keystore", "node.p12", "-file", "node.csr");
    certs.keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "node.csr", "-outfile", "node.crt",
        "-rfc", "-validity", "2");
    Files.writeString(certs.ca(), pem("CERTIFICATE", certs.load("ca.p12").getCertificate("ca").getEncoded()));
    certs.keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", "node.p12", "-file", "ca.crt");
    certs.keytool("-importcert", "-alias", "node", "-keystore", "node.p12", "-file", "node.crt");
    certs.keytool("-genkeypair", "-alias", "rogue", "-keystore", "rogue.p12", "-dname", "CN=latchkey node",
        "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
    certs.writePem("node");
    certs.writePem("rogue");
    return certs;
  }

  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  public Path cert(String name) {
    return dir.resolve(name + ".crt");
  }

  public Path ca() {
    return dir.resolve("ca.crt");
  }

  /** A client context presenting {@code name}'s certificate and trusting the CA. */
  public SSLContext clientContext(String name) throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(load(name + ".p12"), STORE_PASSWORD);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("ca", load("ca.p12").getCertificate("ca"));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  private void writePem(String name) throws Exception {
    KeyStore store = load(name + ".p12");
    PrivateKey key = (PrivateKey) store.getKey(name, STORE_PASSWORD);
    Files.writeString(key(name), pem("PRIVATE KEY", key.getEncoded()));
    StringBuilder chain = new StringBuilder();
    for (Certificate certificate : store.getCertificateChain(name)) {
      chain.append(pem("CERTIFICATE", certificate.getEncoded()));
    }
    Files.writeString(cert(name), chain);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private KeyStore load(String file) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(file))) {
      store.load(in, STORE_PASSWORD);
    }
    return store;
  }

  private void keytool(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(arguments));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(STORE_PASSWORD)));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", arguments) + " failed:\n" + output);
    }
  }
}
