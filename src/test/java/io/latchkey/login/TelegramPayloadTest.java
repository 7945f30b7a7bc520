package io.latchkey.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TelegramPayloadTest {

  private static final String HASH = "&hash=abababababababababababababababababababababababababababababababab&auth_date=1700000000";

  @Test
  void initDataValuesAreDecodedOneByOneAndTheUserIdIsTheSubject() {
    TelegramPayload payload = TelegramPayload.initData(TelegramVectors.INIT_DATA);

    assertThat(payload.user().subject()).isEqualTo(TelegramVectors.USER_ID);
    assertThat(payload.authDate()).isEqualTo(TelegramVectors.AUTH_DATE);
    assertThat(payload.fields().get("user")).startsWith("{\"id\":424242,\"first_name\":\"Ada\"");
    assertThat(payload.dataCheckString(Set.of("hash", "signature")).split("\n"))
        .containsExactly("auth_date=1700000000", "chat_instance=-5086245291850913214", "chat_type=sender",
            "query_id=AAHdF6IQAAAAAN0XohDhrOrc", "user=" + payload.fields().get("user"));
  }

  @Test
  void anEncodedAmpersandOrEqualsSignStaysInsideItsValue() {
    TelegramPayload payload = TelegramPayload.initData(
        "user=%7B%22id%22%3A7%2C%22first_name%22%3A%22a%26b%3Dc%22%7D&start_param=x%26y%3D1" + HASH);

    assertThat(payload.fields()).containsEntry("start_param", "x&y=1").doesNotContainKey("y");
    assertThat(payload.fields().get("user")).isEqualTo("{\"id\":7,\"first_name\":\"a&b=c\"}");
  }

  @Test
  void theWidgetsNumbersAreSignedAsTheirDecimalText() {
    TelegramPayload payload = TelegramPayload.widget(new JsonObject(TelegramVectors.WIDGET));

    assertThat(payload.user().subject()).isEqualTo("424242");
    assertThat(payload.dataCheckString(Set.of("hash")))
        .isEqualTo("auth_date=1700000000\nfirst_name=Ada\nid=424242\nphoto_url=https://t.me/i/userpic/320/ada.jpg\nusername=ada_l");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "user=%7B%22id%22%3A7%7D&auth_date=1700000000",
      "user=%7B%22id%22%3A7%7D&hash=xyz&auth_date=1700000000",
      "user=%7B%22id%22%3A7%7D&hash=" + "ab" + "&auth_date=1700000000",
      "user=%7B%22id%22%3A7%7D" + HASH + "&user=%7B%22id%22%3A8%7D",
      "user=not-json" + HASH,
      "user=%7B%22id%22%3A%227%22%7D" + HASH,
      "user=%7B%22id%22%3A-7%7D" + HASH,
      "user=%7B%22id%22%3A7%7D&hash=" + "ab",
      "user=%7B%22id%22%3A7%7D" + HASH + "&bad%",
      "user=%7B%22id%22%3A7%7D" + HASH + "&x=%C3%28",
      "user=%7B%22id%22%3A7%7D" + HASH + "&x=a%0Ab",
      "user=%7B%22id%22%3A7%7D" + HASH + "&noequals",
      "user=%7B%22id%22%3A7%7D" + HASH + "&=v",
      "user=%7B%22id%22%3A7%7D" + HASH + "&na%20me=v",
      "auth_date=1700000000&hash=" + "ab" + "ab",
      "",
  })
  void malformedInitDataIsRefused(String initData) {
    assertThatThrownBy(() -> TelegramPayload.initData(initData)).isInstanceOf(InvalidLoginException.class);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"auth_date\":1700000000,\"hash\":\"" + "ab" + "\"}",
      "{\"id\":7,\"auth_date\":1700000000}",
      "{\"id\":7,\"hash\":\"HASH\"}",
      "{\"id\":7.5,\"auth_date\":1700000000,\"hash\":\"HASH\"}",
      "{\"id\":7,\"auth_date\":1700000000,\"hash\":\"HASH\",\"photo\":{\"a\":1}}",
      "{\"id\":7,\"auth_date\":1700000000,\"hash\":\"HASH\",\"x\":null}",
      "{\"id\":7,\"auth_date\":1700000000,\"hash\":\"HASH\",\"first_name\":\"a\\nid=8\"}",
      "{\"id\":\"abc\",\"auth_date\":1700000000,\"hash\":\"HASH\"}",
      "{\"id\":7,\"auth_date\":\"yesterday\",\"hash\":\"HASH\"}",
      "{\"id\":7,\"auth_date\":1700000000,\"hash\":true}",
  })
  void malformedWidgetsAreRefused(String widget) {
    JsonObject json = new JsonObject(widget.replace("HASH", "ab".repeat(32)));
    assertThatThrownBy(() -> TelegramPayload.widget(json)).isInstanceOf(InvalidLoginException.class);
  }
}
