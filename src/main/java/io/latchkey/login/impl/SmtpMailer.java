package io.latchkey.login.impl;

import io.latchkey.config.SmtpUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.UUID;

/** Login mails through vertx-mail-client to the server of {@code SMTP_URL}. */
final class SmtpMailer implements Mailer {

  static final int CONNECT_TIMEOUT_MS = 10_000;

  private final MailClient client;

  SmtpMailer(Vertx vertx, SmtpUrl url) {
    MailConfig config = new MailConfig()
        .setHostname(url.host())
        .setPort(url.port())
        .setSsl(url.implicitTls())
        .setStarttls(switch (url.startTls()) {
          case REQUIRED -> StartTLSOptions.REQUIRED;
          case OPTIONAL -> StartTLSOptions.OPTIONAL;
          case DISABLED -> StartTLSOptions.DISABLED;
        })
        // TLS, implicit or by STARTTLS, checks that the certificate names the host
        .setHostnameVerificationAlgorithm("HTTPS")
        .setConnectTimeout(CONNECT_TIMEOUT_MS)
        .setLogin(url.user() == null ? LoginOption.DISABLED : LoginOption.REQUIRED);
    if (url.user() != null) {
      // a password, never an OAuth token: XOAUTH2 (which vertx-mail-client would try first) is left out
      config.setUsername(url.user()).setPassword(url.password() == null ? "" : url.password())
          .setAuthMethods("PLAIN LOGIN CRAM-SHA256 CRAM-SHA1 CRAM-MD5 DIGEST-MD5");
    }
    this.client = MailClient.create(vertx, config);
  }

  @Override
  public Future<Void> send(UUID challengeId, MailMessage mail) {
    return client.sendMail(mail).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
