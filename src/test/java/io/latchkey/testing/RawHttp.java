package io.latchkey.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, for requests a real client refuses to send: bad request lines, invalid
 * header bytes, conflicting framing. Sends the bytes as given and reads one response, framed the way the
 * server frames it (Content-Length, chunked, or until the server closes; a Server-Sent Events stream, which
 * never ends, up to its first message). Interim 1xx answers are skipped, except 101: after it the connection
 * speaks another protocol.
 */
public final class RawHttp {

  /** One response; header names lower-cased, each with all its values. */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {

    public Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** The server did not answer (nor close) within the timeout. */
  public static final class NoAnswerException extends IOException {
    NoAnswerException(Duration timeout) {
      super("no response and no close within " + timeout.toMillis() + " ms");
    }
  }

  private RawHttp() {}

  /** Sends {@code request} (ISO-8859-1 text) on a new connection; the server must answer within 5 s. */
  public static Response exchange(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), false, false, Duration.ofSeconds(5))
        .orElseThrow(() -> new AssertionError("the server closed the connection without answering: " + request));
  }

  /**
   * Writes {@code request} to a new connection and reads one response.
   *
   * @param head whether the request was a HEAD (its response has no body, whatever its headers say)
   * @param closeOutput half-close the connection after writing: tells the server no more bytes will come,
   *     for requests that stop before their declared end
   * @return the response, or empty when the server closed the connection without one
   * @throws NoAnswerException when neither happened within {@code timeout}
   */
  public static Optional<Response> exchange(int port, byte[] request, boolean head, boolean closeOutput,
      Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        if (closeOutput) {
          socket.shutdownOutput();
        }
      } catch (SocketException e) {
        // the server may close while we still write (it rejected the first bytes already): read its answer
      }
      return read(new Reader(socket, deadline, timeout), head);
    }
  }

  /**
   * Reads one response (not to a HEAD) from a connection the caller wrote to, within 5 s; bytes after it stay
   * unread only if they arrived after it.
   */
  public static Response read(Socket socket) throws IOException {
    Duration timeout = Duration.ofSeconds(5);
    return read(new Reader(socket, System.nanoTime() + timeout.toNanos(), timeout), false)
        .orElseThrow(() -> new AssertionError("the server closed the connection without answering"));
  }

  /** A response, and whether the server closed the connection right after it. */
  public record Exchange(Response response, boolean closed) {}

  /**
   * Writes {@code request} (ISO-8859-1 text) to a new connection, reads one response, then waits up to
   * {@code linger} for the server to close the connection: for framing a server must not trust to go on.
   */
  public static Exchange exchangeThenWatch(int port, String request, Duration linger) throws IOException {
    Duration timeout = Duration.ofSeconds(5);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      try {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
      } catch (SocketException e) {
        // the server may close while we still write: read its answer
      }
      Response response = read(new Reader(socket, System.nanoTime() + timeout.toNanos(), timeout), false)
          .orElseThrow(() -> new AssertionError("the server closed the connection without answering: " + request));
      socket.setSoTimeout((int) linger.toMillis());
      try {
        return new Exchange(response, socket.getInputStream().read() < 0);
      } catch (SocketTimeoutException e) {
        return new Exchange(response, false);
      } catch (SocketException e) {
        return new Exchange(response, true);
      }
    }
  }

  private static Optional<Response> read(Reader in, boolean head) throws IOException {
    while (true) {
      String statusLine = in.line();
      if (statusLine == null) {
        return Optional.empty();
      }
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new IOException("not an HTTP status line: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String line = in.line(); line != null && !line.isEmpty(); line = in.line()) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new IOException("malformed response header: " + line);
        }
        headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
      if (status >= 100 && status < 200 && status != 101) {
        continue;
      }
      boolean noBody = head || status == 101 || status == 204 || status == 304;
      return Optional.of(new Response(status, headers, noBody ? new byte[0] : in.body(headers)));
    }
  }

  private static final class Reader {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;
    private final Duration timeout;
    private boolean readAny;

    Reader(Socket socket, long deadline, Duration timeout) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream());
      this.deadline = deadline;
      this.timeout = timeout;
    }

    /** The next byte, or -1 at the end of the stream (a reset before any byte counts as the end). */
    int read() throws IOException {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new NoAnswerException(timeout);
      }
      socket.setSoTimeout((int) left);
      try {
        int b = in.read();
        readAny |= b >= 0;
        return b;
      } catch (SocketTimeoutException e) {
        throw new NoAnswerException(timeout);
      } catch (SocketException e) {
        if (!readAny) {
          return -1;
        }
        throw e;
      }
    }

    /** A line without its CRLF (or bare LF), or null at the end of the stream before any byte of it. */
    String line() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (true) {
        int b = read();
        if (b < 0) {
          if (line.size() == 0) {
            return null;
          }
          throw new IOException("the response ended inside a line");
        }
        if (b == '\n') {
          String text = line.toString(StandardCharsets.ISO_8859_1);
          return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
        line.write(b);
      }
    }

    byte[] body(Map<String, List<String>> headers) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
      List<String> length = headers.getOrDefault("content-length", List.of());
      if (encoding.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
        while (true) {
          String size = line();
          if (size == null) {
            throw new IOException("the response ended inside a chunked body");
          }
          int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
          if (n == 0) {
            for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
              // trailers carry nothing the checks look at
            }
            return body.toByteArray();
          }
          copy(n, body);
          line();
          if (eventStream(headers) && body.toString(StandardCharsets.UTF_8).contains("\n\n")) {
            // a stream of Server-Sent Events does not end: its first message is the answer
            return body.toByteArray();
          }
        }
      }
      if (!length.isEmpty()) {
        copy(Integer.parseInt(length.get(0).trim()), body);
        return body.toByteArray();
      }
      for (int b = read(); b >= 0; b = read()) {
        body.write(b);
      }
      return body.toByteArray();
    }

    private static boolean eventStream(Map<String, List<String>> headers) {
      return headers.getOrDefault("content-type", List.of()).stream()
          .anyMatch(v -> v.toLowerCase(Locale.ROOT).startsWith("text/event-stream"));
    }

    private void copy(int n, ByteArrayOutputStream out) throws IOException {
      for (int i = 0; i < n; i++) {
        int b = read();
        if (b < 0) {
          throw new IOException("the response body ended after " + i + " of " + n + " bytes");
        }
        out.write(b);
      }
    }
  }
}
