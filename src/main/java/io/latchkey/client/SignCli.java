package io.latchkey.client;

import io.latchkey.auth.signature.Ed25519;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The client signer from the command line:
 * <pre>
 *   java -cp latchkey.jar io.latchkey.client.SignCli keygen client.key
 *       writes an Ed25519 private key (PKCS#8 PEM, mode 600) and prints the public key as the standard
 *       base64 of its raw 32 bytes: the {@code client_public_key} of POST /api/v1/internal/sessions
 *   java -cp latchkey.jar io.latchkey.client.SignCli sign client.key TOKEN METHOD URL [BODY]
 *       prints the signature headers for that request as a curl config ({@code curl -K -}):
 *       Authorization, Signature-Input, Signature and, with a body, Content-Digest
 *   java -cp latchkey.jar io.latchkey.client.SignCli sign client.key --keyid SESSION_ID METHOD URL [BODY]
 *       the same with no token: the signature alone is the credential, naming the session in keyid
 *       (Signature-Input, Signature and, with a body, Content-Digest)
 * </pre>
 */
public final class SignCli {

  private SignCli() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) throws IOException, GeneralSecurityException {
    if (args.length == 2 && args[0].equals("keygen")) {
      return keygen(Path.of(args[1]), out);
    }
    if ((args.length == 6 || args.length == 7) && args[0].equals("sign") && args[2].equals("--keyid")) {
      RequestSigner signer = RequestSigner.fromPem(Files.readString(Path.of(args[1])));
      byte[] body = args.length == 7 ? args[6].getBytes(StandardCharsets.UTF_8) : null;
      signer.signAlone(args[4], URI.create(args[5]), args[3], body).forEach((name, value) -> out.println(header(name, value)));
      return 0;
    }
    if ((args.length == 5 || args.length == 6) && args[0].equals("sign") && !args[2].equals("--keyid")) {
      RequestSigner signer = RequestSigner.fromPem(Files.readString(Path.of(args[1])));
      String authorization = "Bearer " + args[2];
      byte[] body = args.length == 6 ? args[5].getBytes(StandardCharsets.UTF_8) : null;
      Map<String, String> headers = signer.sign(args[3], URI.create(args[4]), authorization, body);
      List<String> lines = new ArrayList<>();
      lines.add(header("Authorization", authorization));
      headers.forEach((name, value) -> lines.add(header(name, value)));
      lines.forEach(out::println);
      return 0;
    }
    err.println("usage: SignCli keygen KEY_FILE");
    err.println("       SignCli sign KEY_FILE TOKEN METHOD URL [BODY]   (prints a curl config: curl -K -)");
    err.println("       SignCli sign KEY_FILE --keyid SESSION_ID METHOD URL [BODY]   (no token: the signature alone)");
    return 2;
  }

  private static int keygen(Path file, PrintStream out) throws IOException, GeneralSecurityException {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    try {
      // created owner-only before a byte of the key is written; an existing file is never overwritten
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, pem);
    out.println(Base64.getEncoder().encodeToString(Ed25519.raw(pair.getPublic())));
    return 0;
  }

  /** One curl config line: {@code header = "Name: value"} with quotes and backslashes escaped. */
  private static String header(String name, String value) {
    String line = name + ": " + value;
    return "header = \"" + line.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
