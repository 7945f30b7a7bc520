package io.latchkey.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes on a socket, for requests no well-behaved client would send (the JDK's refuses most of them).
 * Reads the answer until the server closes the connection: a server that answers but keeps the connection
 * open, or does not answer, fails the test as a hang.
 */
public final class RawHttp {

  private static final int PATIENCE_MS = 5000;

  private RawHttp() {}

  /** One response: its status, its headers (names lower-cased) and its body. */
  public record Response(int status, Map<String, String> headers, String body) {}

  /** Sends {@code request} as ISO-8859-1 bytes and parses the one response that comes back. */
  public static Response exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(PATIENCE_MS);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(received);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server kept the connection open for " + PATIENCE_MS + " ms after: "
            + received.toString(StandardCharsets.ISO_8859_1));
      }
      return parse(received.toString(StandardCharsets.ISO_8859_1));
    }
  }

  private static Response parse(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("not an HTTP response: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    return new Response(status, headers, text.substring(end + 4));
  }
}
