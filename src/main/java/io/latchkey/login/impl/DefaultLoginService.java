package io.latchkey.login.impl;

import com.github.benmanes.caffeine.cache.Ticker;
import io.latchkey.account.Identity;
import io.latchkey.config.AppConfig;
import io.latchkey.config.AppConfig.LoginConfig;
import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Pools;
import io.latchkey.limit.AddressLimiter;
import io.latchkey.login.EmailChallenge;
import io.latchkey.login.LoginException;
import io.latchkey.login.LoginFailure;
import io.latchkey.login.LoginService;
import io.latchkey.login.TelegramPayload;
import io.latchkey.session.CreatedSession;
import io.latchkey.session.SessionService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's logins. Its pool is its own (a few connections, the same timeouts as the session verticle's)
 * and touches only the login tables; sessions and accounts are the session service's.
 */
public final class DefaultLoginService implements LoginService {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultLoginService.class);
  static final int POOL_SIZE = 4;
  private static final int CODE_VALUES = 1_000_000;

  private final LoginConfig config;
  private final Pool pool;
  private final LoginStore store;
  private final Mailer mailer;
  private final CodeHasher hasher;
  private final TelegramVerifier telegram;
  private final AddressLimiter perIdentity;
  private final SessionService sessions;
  private final SecureRandom random;
  private final MeterRegistry registry;
  private final Clock clock;

  private DefaultLoginService(LoginConfig config, Pool pool, Mailer mailer, CodeHasher hasher,
      TelegramVerifier telegram, AddressLimiter perIdentity, SessionService sessions, SecureRandom random,
      MeterRegistry registry, Clock clock) {
    this.config = config;
    this.pool = pool;
    this.store = new LoginStore(pool);
    this.mailer = mailer;
    this.hasher = hasher;
    this.telegram = telegram;
    this.perIdentity = perIdentity;
    this.sessions = sessions;
    this.random = random;
    this.registry = registry;
    this.clock = clock;
  }

  public static LoginService create(Vertx vertx, AppConfig config, DatabaseTarget database, SessionService sessions,
      MeterRegistry registry) {
    LoginConfig login = config.login();
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();
    Pool pool = Pools.create(vertx, config, database, "latchkey-logins", POOL_SIZE);
    Mailer mailer;
    if (login.smtp().isPresent()) {
      mailer = new SmtpMailer(vertx, login.smtp().get());
      LOG.info("Login mails go to {}", login.smtp().get());
    } else if (config.databaseUrl().isEmpty()) {
      mailer = new OutboxMailer(vertx, config.dataDir().resolve("outbox"), clock);
    } else {
      mailer = null;
      LOG.info("No SMTP_URL: email login is off (503 login-method-unavailable)");
    }
    TelegramVerifier telegram = new TelegramVerifier(login.telegramBotToken(), login.telegramBotId(),
        login.telegramPublicKey(), login.telegramAuthMaxAge(), clock);
    return new DefaultLoginService(login, pool, mailer, new CodeHasher(CodeSecret.resolve(config, random)),
        telegram, AddressLimiter.create(login.perIdentity(), config.rateLimits().maxAddresses(), Ticker.systemTicker()),
        sessions, random, registry, clock);
  }

  @Override
  public Future<EmailChallenge> startEmail(Identity email) {
    if (mailer == null) {
      return counted("email", Future.failedFuture(unavailable("email")));
    }
    UUID challengeId = UUID.randomUUID();
    Instant expiresAt = clock.instant().plus(config.codeTtl()).truncatedTo(ChronoUnit.MILLIS);
    EmailChallenge challenge = new EmailChallenge(challengeId, expiresAt);
    if (perIdentity.acquire("email:" + email.subject()) > 0) {
      count("email", "suppressed");
      return Future.succeededFuture(challenge);
    }
    String code = String.format("%06d", random.nextInt(CODE_VALUES));
    Future<EmailChallenge> started = database(store.startChallenge(email.subject(), challengeId,
            hasher.hash(challengeId, code), expiresAt, config.codeMaxAttempts(), config.codesPerHour()))
        .compose(created -> {
          if (!created) {
            count("email", "suppressed");
            return Future.succeededFuture(challenge);
          }
          return mailer.send(challengeId, CodeMail.of(config.emailFrom(), email.subject(), code, config.codeTtl()))
              .map(challenge)
              .recover(failure -> {
                LOG.warn("The login mail for challenge {} could not be sent: {}", challengeId, failure.toString());
                // nobody has the code: the challenge takes no guess and no place in the hourly count
                return store.discard(challengeId).transform(discarded -> Future.failedFuture(LoginException.of(
                    LoginFailure.MAIL_UNAVAILABLE, "The mail with the code could not be sent; retry shortly.")));
              })
              .onSuccess(sent -> count("email", "success"));
        });
    return counted("email", started);
  }

  @Override
  public Future<CreatedSession> verifyEmail(UUID challengeId, String code, byte[] clientPublicKey, String device) {
    if (mailer == null) {
      return counted("email_verify", Future.failedFuture(unavailable("email")));
    }
    Future<CreatedSession> created = database(store.guess(challengeId, hasher.hash(challengeId, code)))
        .compose(guess -> {
          if (guess == null) {
            return Future.failedFuture(LoginException.of(LoginFailure.CODE_EXPIRED,
                "The code has expired, was used, was replaced by a newer one, or had too many wrong guesses:"
                    + " request a new code."));
          }
          if (!guess.matched()) {
            return Future.failedFuture(LoginException.codeInvalid(guess.attemptsLeft()));
          }
          return sessions.create(Identity.parse("email", guess.email()), clientPublicKey, device);
        });
    return succeeded("email_verify", counted("email_verify", created));
  }

  @Override
  public Future<CreatedSession> telegram(TelegramPayload payload, byte[] clientPublicKey, String device) {
    if (!telegram.available(payload.source())) {
      return counted("telegram", Future.failedFuture(unavailable(
          payload.source() == TelegramPayload.Source.WIDGET ? "Telegram login widget" : "Telegram Mini App")));
    }
    Future<CreatedSession> created;
    try {
      TelegramVerifier.Verified verified = telegram.verify(payload);
      long wait = perIdentity.acquire("telegram:" + payload.user().subject());
      if (wait > 0) {
        throw LoginException.rateLimited(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L)));
      }
      created = database(store.spendTelegram(verified.replayKey(), verified.staleAt())).compose(fresh -> fresh
          ? sessions.create(payload.user(), clientPublicKey, device)
          : Future.failedFuture(LoginException.of(LoginFailure.TELEGRAM_REPLAYED,
              "This Telegram data has signed in before: sign in with Telegram again.")));
    } catch (LoginException e) {
      created = Future.failedFuture(e);
    }
    return succeeded("telegram", counted("telegram", created));
  }

  @Override
  public Future<Void> close() {
    return Future.all(pool.close(), mailer == null ? Future.succeededFuture() : mailer.close()).mapEmpty();
  }

  private static LoginException unavailable(String method) {
    return LoginException.of(LoginFailure.METHOD_UNAVAILABLE, "This node is not configured for the " + method + " login.");
  }

  /** A store failure is PostgreSQL's: 503, logged without any value of the request. */
  private static <T> Future<T> database(Future<T> call) {
    return call.recover(failure -> {
      LOG.warn("Login store unavailable: {}", failure.toString());
      return Future.failedFuture(LoginException.of(LoginFailure.UNAVAILABLE, "The database cannot answer right now."));
    });
  }

  /** Counts every failure by its problem name ({@code error}: not a login failure, e.g. the session service's). */
  private <T> Future<T> counted(String method, Future<T> call) {
    return call.onFailure(failure -> count(method, failure instanceof LoginException login
        ? login.failure().problem().replace('-', '_')
        : "error"));
  }

  private <T> Future<T> succeeded(String method, Future<T> call) {
    return call.onSuccess(result -> count(method, "success"));
  }

  private void count(String method, String outcome) {
    Counter.builder("latchkey.login.attempts")
        .description("Login requests by method (email: a code requested; email_verify: a code checked; telegram)"
            + " and outcome (success, suppressed, or the problem name)")
        .tag("method", method)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
