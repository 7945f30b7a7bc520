package io.latchkey.gateway.impl;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The event-stream interpretation of the WHATWG HTML standard ("Server-sent events", §9.2.6), fed with chunks
 * as they come off the connection. Lines end at CR, LF or CRLF, and a chunk may end anywhere: inside a UTF-8
 * sequence, between the CR and the LF of a CRLF, in the middle of a field name. Bytes are split into lines
 * first and each whole line is decoded (line ends are ASCII, so no character spans two lines). A leading BOM
 * is skipped; {@code :} lines are comments; {@code data:} lines are joined with {@code \n}; {@code id:} sets the
 * last event id when the message is dispatched, with or without data (a message without data fires no event
 * but still moves the id); a message cut off by the end of the stream is discarded. One instance per
 * connection; not thread-safe.
 */
public final class SseParser {

  /** Receives what the stream says, in order. */
  public interface Handler {

    /** A message with data was dispatched. */
    void onEvent(SseEvent event);

    /** A message without data was dispatched: no event, but the last event id is now {@code lastEventId}. */
    void onLastEventId(String lastEventId);

    /** A {@code retry:} field: the server's reconnection delay. */
    void onRetry(long millis);
  }

  /** The stream broke a limit; the connection should be dropped. */
  public static final class SseLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SseLimitException(String message) {
      super(message);
    }
  }

  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final Handler handler;
  private final int maxMessageBytes;
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean afterCr;
  private boolean firstLine = true;
  private final StringBuilder data = new StringBuilder();
  private String eventType = "";
  private String lastEventIdBuffer;

  /**
   * @param lastEventId the last event id so far (a reconnection carries it on), {@code ""} for none
   * @param maxMessageBytes the most one line, and one message's data, may take before {@link SseLimitException}
   */
  public SseParser(Handler handler, String lastEventId, int maxMessageBytes) {
    this.handler = handler;
    this.lastEventIdBuffer = lastEventId == null ? "" : lastEventId;
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * @throws SseLimitException when a line or a message grows past the limit
   */
  public void feed(Buffer chunk) {
    feed(chunk.getBytes());
  }

  public void feed(byte[] bytes) {
    for (byte b : bytes) {
      if (afterCr) {
        afterCr = false;
        if (b == LF) {
          continue;
        }
      }
      if (b == CR) {
        afterCr = true;
        endLine();
      } else if (b == LF) {
        endLine();
      } else {
        append(b);
      }
    }
  }

  private void append(byte b) {
    if (lineLength == maxMessageBytes) {
      throw new SseLimitException("an event-stream line longer than " + maxMessageBytes + " bytes");
    }
    if (lineLength == line.length) {
      line = Arrays.copyOf(line, Math.min(line.length * 2, maxMessageBytes + 1));
    }
    line[lineLength++] = b;
  }

  private void endLine() {
    int start = 0;
    if (firstLine) {
      firstLine = false;
      if (lineLength >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB && (line[2] & 0xff) == 0xBF) {
        start = 3;
      }
    }
    String text = new String(line, start, lineLength - start, StandardCharsets.UTF_8);
    lineLength = 0;
    if (line.length > 4096) {
      line = new byte[256];
    }
    process(text);
  }

  private void process(String text) {
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = "";
    if (colon >= 0) {
      int from = colon + 1 < text.length() && text.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1;
      value = text.substring(from);
    }
    switch (field) {
      case "event" -> eventType = value;
      case "data" -> {
        if (data.length() + value.length() >= maxMessageBytes) {
          throw new SseLimitException("an event-stream message longer than " + maxMessageBytes + " bytes");
        }
        data.append(value).append('\n');
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventIdBuffer = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.length() <= 18 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          handler.onRetry(Long.parseLong(value));
        }
      }
      default -> {
        // unknown fields are ignored, as the standard says
      }
    }
  }

  private void dispatch() {
    String id = lastEventIdBuffer;
    if (data.length() == 0) {
      eventType = "";
      handler.onLastEventId(id);
      return;
    }
    data.setLength(data.length() - 1);
    SseEvent event = new SseEvent(eventType.isEmpty() ? "message" : eventType, data.toString(), id);
    data.setLength(0);
    eventType = "";
    handler.onEvent(event);
  }
}
