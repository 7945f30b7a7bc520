package io.latchkey.login.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.login.LoginException;
import io.latchkey.login.LoginFailure;
import io.latchkey.login.TelegramPayload;
import io.latchkey.login.TelegramVectors;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Telegram's three checks against the known-good vectors derived outside this code ({@link TelegramVectors}). */
class TelegramVerifierTest {

  private static final Clock SOON_AFTER = Clock.fixed(Instant.ofEpochSecond(TelegramVectors.AUTH_DATE + 60), ZoneOffset.UTC);
  private static final Duration DAY = Duration.ofDays(1);

  private static TelegramVerifier withToken(Clock clock) {
    return new TelegramVerifier(Optional.of(TelegramVectors.BOT_TOKEN), Optional.empty(),
        HexFormat.of().parseHex(TelegramVectors.PRODUCTION_PUBLIC_KEY), DAY, clock);
  }

  private static TelegramVerifier withBotIdOnly(String publicKey) {
    return new TelegramVerifier(Optional.empty(), Optional.of(TelegramVectors.BOT_ID),
        HexFormat.of().parseHex(publicKey), DAY, SOON_AFTER);
  }

  @Test
  void theWidgetVectorVerifiesWithTheBotToken() {
    TelegramVerifier.Verified verified = withToken(SOON_AFTER).verify(TelegramPayload.widget(new JsonObject(TelegramVectors.WIDGET)));

    assertThat(verified.staleAt()).isEqualTo(Instant.ofEpochSecond(TelegramVectors.AUTH_DATE).plus(DAY).plus(TelegramVerifier.CLOCK_MARGIN));
  }

  @Test
  void theInitDataVectorVerifiesWithTheBotTokenAndWithTheBotIdUnderItsSigningKey() {
    TelegramPayload payload = TelegramPayload.initData(TelegramVectors.INIT_DATA);

    assertThat(withToken(SOON_AFTER).verify(payload).replayKey()).hasSize(32);
    assertThat(withBotIdOnly(TelegramVectors.TEST_PUBLIC_KEY).verify(payload).replayKey()).hasSize(32);
  }

  @Test
  void underAnotherPublicKeyTheSignatureIsInvalid() {
    TelegramPayload payload = TelegramPayload.initData(TelegramVectors.INIT_DATA);

    assertFailure(() -> withBotIdOnly(TelegramVectors.PRODUCTION_PUBLIC_KEY).verify(payload), LoginFailure.TELEGRAM_INVALID);
  }

  @Test
  void aChangedFieldBreaksEveryCheck() {
    String tampered = TelegramVectors.INIT_DATA.replace("chat_type=sender", "chat_type=private");
    JsonObject widget = new JsonObject(TelegramVectors.WIDGET).put("username", "eve");

    assertFailure(() -> withToken(SOON_AFTER).verify(TelegramPayload.initData(tampered)), LoginFailure.TELEGRAM_INVALID);
    assertFailure(() -> withBotIdOnly(TelegramVectors.TEST_PUBLIC_KEY).verify(TelegramPayload.initData(tampered)),
        LoginFailure.TELEGRAM_INVALID);
    assertFailure(() -> withToken(SOON_AFTER).verify(TelegramPayload.widget(widget)), LoginFailure.TELEGRAM_INVALID);
  }

  @Test
  void aPayloadOlderThanTheMaximumAgeIsStaleOnceItsSignatureVerified() {
    Clock later = Clock.fixed(Instant.ofEpochSecond(TelegramVectors.AUTH_DATE).plus(DAY).plusSeconds(1), ZoneOffset.UTC);

    assertFailure(() -> withToken(later).verify(TelegramPayload.initData(TelegramVectors.INIT_DATA)), LoginFailure.TELEGRAM_STALE);
    String forged = TelegramVectors.INIT_DATA.replace("chat_type=sender", "chat_type=group");
    assertFailure(() -> withToken(later).verify(TelegramPayload.initData(forged)), LoginFailure.TELEGRAM_INVALID);
  }

  @Test
  void withoutASignatureTheBotIdAloneCannotVerify() {
    String unsigned = TelegramVectors.INIT_DATA.replaceAll("&signature=[^&]*", "");

    assertFailure(() -> withBotIdOnly(TelegramVectors.TEST_PUBLIC_KEY).verify(TelegramPayload.initData(unsigned)),
        LoginFailure.TELEGRAM_INVALID);
  }

  private static void assertFailure(Runnable check, LoginFailure failure) {
    assertThatThrownBy(check::run).isInstanceOfSatisfying(LoginException.class, e -> assertThat(e.failure()).isEqualTo(failure));
  }
}
