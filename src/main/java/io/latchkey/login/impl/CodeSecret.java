package io.latchkey.login.impl;

import io.latchkey.config.AppConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key email codes are hashed with: {@code LOGIN_CODE_SECRET}; on the embedded default without it, 32
 * random bytes generated once into {@code DATA_DIR/login-code.secret} (mode 600) and reused across
 * restarts, so a code mailed before a restart still verifies after it.
 */
final class CodeSecret {

  static final String FILE = "login-code.secret";

  private CodeSecret() {}

  /** Blocking file access: call at start-up, off the event loop. */
  static byte[] resolve(AppConfig config, SecureRandom random) {
    if (config.login().codeSecret().isPresent()) {
      return config.login().codeSecret().get().getBytes(StandardCharsets.UTF_8);
    }
    if (config.databaseUrl().isPresent()) {
      // no mail without SMTP_URL, and AppConfig refuses SMTP_URL without the secret: nothing is ever hashed
      byte[] unused = new byte[32];
      random.nextBytes(unused);
      return unused;
    }
    return fromDataDir(config.dataDir(), random);
  }

  private static byte[] fromDataDir(Path dataDir, SecureRandom random) {
    Path file = dataDir.resolve(FILE);
    try {
      Files.createDirectories(dataDir);
      if (!Files.exists(file)) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(file, Base64.getEncoder().encodeToString(secret));
          return secret;
        } catch (FileAlreadyExistsException raced) {
          // another process made it first: read theirs
        }
      }
      byte[] secret = Base64.getDecoder().decode(Files.readString(file).trim());
      if (secret.length < 32) {
        throw new IllegalStateException(file + " must hold at least 32 base64-encoded bytes");
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(file + " is not base64", e);
    }
  }
}
