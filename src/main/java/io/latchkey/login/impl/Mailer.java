package io.latchkey.login.impl;

import io.vertx.core.Future;
import io.vertx.ext.mail.MailMessage;
import java.util.UUID;

/** Delivers login mails: over SMTP, or into the embedded default's outbox directory. */
interface Mailer {

  /** Succeeds once the mail is handed over (accepted by the SMTP server, or written to a file). */
  Future<Void> send(UUID challengeId, MailMessage mail);

  Future<Void> close();
}
