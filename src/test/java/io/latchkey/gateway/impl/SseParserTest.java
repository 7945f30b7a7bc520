package io.latchkey.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SseParserTest {

  /** What a parser reported, in order, as text: "event <type> <id> <data>", "id <id>", "retry <ms>". */
  private static final class Recorder implements SseParser.Handler {

    final List<String> seen = new ArrayList<>();

    @Override
    public void onEvent(SseEvent event) {
      seen.add("event " + event.type() + " " + event.lastEventId() + " " + event.data());
    }

    @Override
    public void onLastEventId(String lastEventId) {
      seen.add("id " + lastEventId);
    }

    @Override
    public void onRetry(long millis) {
      seen.add("retry " + millis);
    }
  }

  private static List<String> parse(String initialId, byte[]... chunks) {
    Recorder recorder = new Recorder();
    SseParser parser = new SseParser(recorder, initialId, 1024);
    for (byte[] chunk : chunks) {
      parser.feed(chunk);
    }
    return recorder.seen;
  }

  private static List<String> parse(String text) {
    return parse("", text.getBytes(StandardCharsets.UTF_8));
  }

  /** A stream with every feature at once: BOM, CRLF, CR and LF line ends, comments, multi-line and non-ASCII data. */
  private static final String STREAM = "\uFEFF: hello\r\n"
      + "retry: 1500\r\n"
      + "id: c1\r\n"
      + "event: revoked\r\n"
      + "data: {\"sessions\":[\"é€😀\"],\r\n"
      + "data:  \"x\":1}\r\n"
      + "\r\n"
      + ": heartbeat\n"
      + "id: c2\n"
      + "\n"
      + "event: reset\r"
      + "data: {\"reason\":\"history-pruned\"}\r"
      + "\r"
      + "data: plain\n"
      + "\n"
      + "id: c3\n"
      + "data: cut off by the end of the stream\n";

  private static final List<String> EXPECTED = List.of(
      "retry 1500",
      "event revoked c1 {\"sessions\":[\"é€😀\"],\n \"x\":1}",
      "id c2",
      "event reset c2 {\"reason\":\"history-pruned\"}",
      "event message c2 plain");

  @Test
  void aWholeStreamParsesAsTheStandardSays() {
    assertThat(parse(STREAM)).isEqualTo(EXPECTED);
  }

  @Test
  @DisplayName("split into two chunks at every byte (inside UTF-8 sequences, between CR and LF), or byte by byte: "
      + "the same messages")
  void chunksSplitAnywhereGiveTheSameMessages() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertThat(parse("", Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length)))
          .as("cut at %d", cut).isEqualTo(EXPECTED);
    }
    byte[][] single = new byte[bytes.length][];
    for (int i = 0; i < bytes.length; i++) {
      single[i] = new byte[] {bytes[i]};
    }
    assertThat(parse("", single)).isEqualTo(EXPECTED);
  }

  @Test
  @DisplayName("a CRLF split between its CR and LF is one line end, not two (which would dispatch early)")
  void aCrlfSplitBetweenChunksIsOneLineEnd() {
    assertThat(parse("", bytes("data: a\r"), bytes("\ndata: b\r"), bytes("\n\r"), bytes("\n")))
        .containsExactly("event message  a\nb");
  }

  @Test
  @DisplayName("an id-only message moves the last event id without an event; later events without an id carry it")
  void idOnlyMessagesMoveTheLastEventId() {
    assertThat(parse("id: 7\n\ndata: x\n\nid\n\n")).containsExactly("id 7", "event message 7 x", "id ");
  }

  @Test
  void theLastEventIdOfTheConnectionBeforeIsCarriedOn() {
    assertThat(parse("c9", bytes("data: x\n\n"))).containsExactly("event message c9 x");
  }

  @Test
  void anIdContainingNulIsIgnored() {
    assertThat(parse("id: a\u0000b\ndata: x\n\n")).containsExactly("event message  x");
  }

  @Test
  @DisplayName("fields: no colon means an empty value, one leading space is dropped, unknown fields and a retry "
      + "that is not all digits are ignored")
  void fieldsFollowTheStandard() {
    assertThat(parse("data\n\n")).containsExactly("event message  ");
    assertThat(parse("data:  two spaces\n\n")).containsExactly("event message   two spaces");
    assertThat(parse("data:no space\nfoo: bar\nretry: 12a\nretry:\n\n")).containsExactly("event message  no space");
    assertThat(parse("event: only a type\n\n")).containsExactly("id ");
  }

  @Test
  void commentsAreIgnoredWherever() {
    assertThat(parse(": one\ndata: a\n: two\ndata: b\n:\n\n")).containsExactly("event message  a\nb");
  }

  @Test
  void aLineOrAMessageBeyondTheLimitIsRefused() {
    Recorder recorder = new Recorder();
    SseParser parser = new SseParser(recorder, "", 16);
    assertThatThrownBy(() -> parser.feed(bytes("data: 0123456789abcdef\n"))).isInstanceOf(SseParser.SseLimitException.class);
    SseParser lines = new SseParser(recorder, "", 16);
    assertThatThrownBy(() -> lines.feed(bytes("data: 01234567\ndata: 01234567\n")))
        .isInstanceOf(SseParser.SseLimitException.class);
    SseParser comments = new SseParser(recorder, "", 16);
    for (int i = 0; i < 100; i++) {
      comments.feed(bytes(": keep-alive\n"));
    }
    assertThat(recorder.seen).isEmpty();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
