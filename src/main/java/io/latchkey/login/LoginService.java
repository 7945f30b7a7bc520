package io.latchkey.login;

import io.latchkey.account.Identity;
import io.latchkey.config.AppConfig;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.login.impl.DefaultLoginService;
import io.latchkey.session.CreatedSession;
import io.latchkey.session.SessionService;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;

/**
 * The public tier's logins (SPEC §5d): an emailed one-time code, or Telegram's signed login data. Each
 * success finds or creates the identity's account and opens a session through
 * {@link SessionService#create(Identity, byte[], String)}, exactly like the internal create (and so with
 * every check that create makes). One instance per node, shared by its HTTP verticles; challenge state and
 * used Telegram payloads live in PostgreSQL, so any node verifies what another node started.
 *
 * <p>Failures are {@link LoginException}s; a failure of the session service itself (a database outage, a
 * refused account) comes through as the session service's own failure.
 */
public interface LoginService {

  /**
   * The node's logins: its own small pool on the service's schema, mail per {@code SMTP_URL} (or the
   * outbox under {@code DATA_DIR} on the embedded default), Telegram per the bot settings.
   */
  static LoginService create(Vertx vertx, AppConfig config, DatabaseTarget database, SessionService sessions,
      MeterRegistry registry) {
    return DefaultLoginService.create(vertx, config, database, sessions, registry);
  }

  /**
   * Starts an email login: mails a 6-digit code for the challenge returned. Answers the same for every
   * well-formed address, whether or not an account holds it. Beyond the address's hourly challenges, its
   * guess budget, or its per-identity rate, the answer looks the same but nothing is stored or mailed (the
   * challenge id verifies as expired). METHOD_UNAVAILABLE without mail; MAIL_UNAVAILABLE when the mail
   * could not be handed over (nothing is kept then).
   */
  Future<EmailChallenge> startEmail(Identity email);

  /**
   * Checks a code against its challenge and, if it is right, opens a session. CODE_INVALID (with the
   * guesses left) or CODE_EXPIRED (expired, used, superseded, out of guesses, or unknown). A code is used
   * once; every guess, right or wrong, is counted in PostgreSQL in one statement.
   */
  Future<CreatedSession> verifyEmail(UUID challengeId, String code, byte[] clientPublicKey, String device);

  /**
   * Verifies Telegram's signature over the payload (HMAC with the bot token, or Ed25519 under Telegram's
   * key with only the bot id), its age, that it has not signed in before, then opens a session for the
   * Telegram user. TELEGRAM_INVALID, TELEGRAM_STALE, TELEGRAM_REPLAYED, RATE_LIMITED,
   * METHOD_UNAVAILABLE.
   */
  Future<CreatedSession> telegram(TelegramPayload payload, byte[] clientPublicKey, String device);

  /** Closes the pool and the mail client. */
  Future<Void> close();
}
