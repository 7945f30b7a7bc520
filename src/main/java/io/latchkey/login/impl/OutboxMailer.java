package io.latchkey.login.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.mailencoder.MailEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's mail without a mail server: each mail is one RFC 5322 {@code .eml} file (as
 * vertx-mail-client would send it) in {@code DATA_DIR/outbox}, readable by the node's user only. The log
 * says which file, never what is in it.
 */
final class OutboxMailer implements Mailer {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxMailer.class);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private final Vertx vertx;
  private final Path outbox;
  private final Clock clock;

  /** Creates the directory (mode 700): call at start-up, off the event loop. */
  OutboxMailer(Vertx vertx, Path outbox, Clock clock) {
    this.vertx = vertx;
    this.outbox = outbox.toAbsolutePath().normalize();
    this.clock = clock;
    try {
      if (!Files.isDirectory(this.outbox)) {
        Files.createDirectories(this.outbox,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the mail outbox " + this.outbox, e);
    }
    LOG.info("No SMTP_URL: login mails are written to {}", this.outbox);
  }

  @Override
  public Future<Void> send(UUID challengeId, MailMessage mail) {
    String text;
    try {
      text = new MailEncoder(mail, "localhost").encode();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String file = outbox.resolve(STAMP.format(clock.instant()) + "-" + challengeId + ".eml").toString();
    return vertx.fileSystem().createFile(file, "rw-------")
        .compose(created -> vertx.fileSystem().writeFile(file, Buffer.buffer(text.getBytes(StandardCharsets.UTF_8))))
        .onSuccess(written -> LOG.info("Login mail for challenge {} written to {}", challengeId, file));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
