package io.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceLabelTest {

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000b", "tab\tbed", "x\u007f", "\u0085", "\ud83d phone", "\udcf1", "two\u2028lines",
      "\u2029", "\u202eenohp", "\u2066x", "\u200fx", "\u061cx"})
  void controlsSeparatorsBidiControlsAndUnpairedSurrogatesAreRefused(String label) {
    assertThat(DeviceLabel.problem(label)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "laptop", "Kate's iPhone", "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 family",
      "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "caf\u00e9\u00a0bar", "\u2764\ufe0f"})
  void ordinaryTextEmojiAndJoinersAreKept(String label) {
    assertThat(DeviceLabel.problem(label)).isNull();
  }

  @Test
  void theLengthIsCountedInCodePointsAsPostgresqlCountsIt() {
    assertThat(DeviceLabel.problem("\ud83d\udcf1".repeat(200))).isNull();
    assertThat(DeviceLabel.problem("\ud83d\udcf1".repeat(201))).contains("200");
    assertThat(DeviceLabel.problem("d".repeat(200))).isNull();
    assertThat(DeviceLabel.problem("d".repeat(201))).contains("200");
  }
}
