package io.latchkey.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Server-Sent Events client on a plain socket, reading the stream byte by byte the way the WHATWG HTML
 * parser does (§9.2.6): the chunked body decoded, lines ended by CR, LF or CRLF, a blank line ending each
 * message. Every message is kept, comment-only and id-only ones included, so a test sees exactly what went
 * over the wire; {@link #lastEventId()} is what an EventSource would send back as {@code Last-Event-ID}.
 */
public final class SseClient implements AutoCloseable {

  /**
   * One message: its comment lines, the {@code id} field if it had one, the event type, and the data
   * ({@code null} when it had no data line: such a message dispatches no event).
   */
  public record Message(List<String> comments, String id, String event, String data) {

    public boolean isEvent() {
      return data != null;
    }

    /** An id-only message: it sets the last event id and dispatches nothing. */
    public boolean isIdOnly() {
      return data == null && id != null;
    }
  }

  private final Socket socket;
  private final int status;
  private final Map<String, String> headers;
  private final String errorBody;
  private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
  private volatile boolean ended;
  private volatile String lastEventId = "";
  private Thread reader;

  private SseClient(Socket socket, int status, Map<String, String> headers, String errorBody) {
    this.socket = socket;
    this.status = status;
    this.headers = headers;
    this.errorBody = errorBody;
  }

  /** {@code GET target} with {@code Accept: text/event-stream} and the given header pairs; reads the head. */
  public static SseClient connect(int port, String target, String... headerPairs) throws IOException {
    return connect(port, target, 0, headerPairs);
  }

  /**
   * The same with a receive buffer of {@code receiveBuffer} bytes (0: the system's), and without a reader: a
   * client that does not read until {@link #startReading()}.
   */
  public static SseClient connect(int port, String target, int receiveBuffer, String... headerPairs) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    socket.setSoTimeout(10_000);
    StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
        .append(port).append("\r\n");
    boolean accept = false;
    for (int i = 0; i < headerPairs.length; i += 2) {
      request.append(headerPairs[i]).append(": ").append(headerPairs[i + 1]).append("\r\n");
      accept |= headerPairs[i].equalsIgnoreCase("accept");
    }
    if (!accept) {
      request.append("Accept: text/event-stream\r\n");
    }
    request.append("\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    InputStream in = new BufferedInputStream(socket.getInputStream());
    String statusLine = line(in);
    if (statusLine == null) {
      socket.close();
      throw new IOException("the server closed the connection without answering");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    boolean stream = status == 200 && headers.getOrDefault("content-type", "").startsWith("text/event-stream");
    String errorBody = null;
    if (!stream) {
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      errorBody = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
    SseClient client = new SseClient(socket, status, headers, errorBody);
    client.in = in;
    if (stream && receiveBuffer == 0) {
      client.startReading();
    }
    return client;
  }

  private InputStream in;

  /** Starts the thread that reads and parses the stream. */
  public synchronized void startReading() {
    if (reader != null) {
      return;
    }
    reader = new Thread(this::readAll, "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  public int status() {
    return status;
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The body of a response that is not a stream (a problem). */
  public String errorBody() {
    return errorBody;
  }

  /** The id an EventSource would send as {@code Last-Event-ID} on reconnecting ("" before any). */
  public String lastEventId() {
    return lastEventId;
  }

  /** The next message of any kind, waiting up to {@code timeout}. */
  public Message next(Duration timeout) throws InterruptedException {
    Message message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (message == null) {
      throw new AssertionError("no message within " + timeout.toMillis() + " ms" + (ended ? " (the stream ended)" : ""));
    }
    return message;
  }

  /**
   * Whether the stream falls silent for {@code quiet} (no message at all) before {@code within} has passed,
   * skipping what arrives before the silence.
   */
  public boolean fallsSilent(Duration quiet, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (messages.poll(quiet.toMillis(), TimeUnit.MILLISECONDS) == null) {
        return true;
      }
    }
    return false;
  }

  /** The next message that satisfies {@code condition}, skipping the others. */
  public Message next(Duration timeout, Predicate<Message> condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Message message = messages.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (message == null) {
        throw new AssertionError("no matching message within " + timeout.toMillis() + " ms"
            + (ended ? " (the stream ended)" : ""));
      }
      if (condition.test(message)) {
        return message;
      }
    }
  }

  /** Events (messages with data) until {@code done} holds for the list so far, waiting up to {@code timeout}. */
  public List<Message> eventsUntil(Duration timeout, Predicate<List<Message>> done) throws InterruptedException {
    List<Message> events = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(events)) {
      long left = deadline - System.nanoTime();
      Message message = messages.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (message == null) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms" + (ended ? " (the stream ended)" : "")
            + "; " + events.size() + " events so far, the last: " + (events.isEmpty() ? "none"
            : abbreviated(events.get(events.size() - 1))));
      }
      if (message.isEvent()) {
        events.add(message);
      }
    }
    return events;
  }

  private static String abbreviated(Message m) {
    String text = m.toString();
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  /** Whether the server ended or closed the stream within {@code timeout}. */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ended && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return ended;
  }

  public boolean ended() {
    return ended;
  }

  private void readAll() {
    try {
      socket.setSoTimeout(0);
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      List<String> comments = new ArrayList<>();
      String[] fields = {null, null};
      StringBuilder data = null;
      boolean lastWasCr = false;
      while (true) {
        int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
        if (size == 0) {
          return;
        }
        for (int i = 0; i < size; i++) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          if (b == '\n' && lastWasCr) {
            lastWasCr = false;
            continue;
          }
          lastWasCr = b == '\r';
          if (b != '\n' && b != '\r') {
            line.write(b);
            continue;
          }
          String text = line.toString(StandardCharsets.UTF_8);
          line.reset();
          if (text.isEmpty()) {
            if (fields[0] != null) {
              lastEventId = fields[0];
            }
            if (!comments.isEmpty() || fields[0] != null || fields[1] != null || data != null) {
              messages.add(new Message(List.copyOf(comments), fields[0], fields[1] == null ? "message" : fields[1],
                  data == null ? null : data.toString()));
            }
            comments.clear();
            fields[0] = null;
            fields[1] = null;
            data = null;
          } else if (text.startsWith(":")) {
            comments.add(text.substring(1));
          } else {
            int colon = text.indexOf(':');
            String name = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) {
              value = value.substring(1);
            }
            switch (name) {
              case "id" -> fields[0] = value;
              case "event" -> fields[1] = value;
              case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
              default -> { }
            }
          }
        }
        line(in); // the CRLF after the chunk
      }
    } catch (IOException | RuntimeException e) {
      // the connection ended: closed by the server, or by close()
    } finally {
      ended = true;
    }
  }

  /** One HTTP line (ISO-8859-1) without its CRLF, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return out.size() == 0 ? null : out.toString(StandardCharsets.ISO_8859_1);
      }
      if (b == '\n') {
        String text = out.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      out.write(b);
    }
  }

  /** Reads and discards whatever arrives until the server closes the connection; whether it did within the timeout. */
  public boolean drainUntilClosed(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    byte[] buffer = new byte[65536];
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (in.read(buffer) < 0) {
          return true;
        }
      }
      return false;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing is all that is wanted
    }
  }
}
