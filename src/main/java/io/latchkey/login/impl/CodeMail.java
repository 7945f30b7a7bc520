package io.latchkey.login.impl;

import io.vertx.ext.mail.MailMessage;
import java.time.Duration;

/** The mail that carries a code: a plain-text and an HTML body saying the same. */
final class CodeMail {

  static final String SUBJECT = "Your sign-in code";

  private CodeMail() {}

  static MailMessage of(String from, String to, String code, Duration ttl) {
    String lifetime = lifetime(ttl);
    String text = "Your sign-in code is " + code + ".\r\n\r\n"
        + "It works once, for " + lifetime + ". If you did not ask to sign in, ignore this mail:\r\n"
        + "nobody can sign in without the code.\r\n";
    String html = "<!DOCTYPE html><html><body>"
        + "<p>Your sign-in code is</p>"
        + "<p style=\"font-size:28px;font-weight:bold;letter-spacing:4px\">" + code + "</p>"
        + "<p>It works once, for " + lifetime + ". If you did not ask to sign in, ignore this mail: "
        + "nobody can sign in without the code.</p>"
        + "</body></html>";
    return new MailMessage().setFrom(from).setTo(to).setSubject(SUBJECT).setText(text).setHtml(html);
  }

  private static String lifetime(Duration ttl) {
    long seconds = ttl.toSeconds();
    if (seconds % 60 == 0 && seconds >= 120) {
      return seconds / 60 + " minutes";
    }
    return seconds == 1 ? "1 second" : seconds + " seconds";
  }
}
