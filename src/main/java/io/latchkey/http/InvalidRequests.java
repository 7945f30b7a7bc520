package io.latchkey.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.ContentLengthNotAllowedException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.TransferEncodingNotAllowedException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Answers requests the HTTP decoder could not parse, before any router sees them (Vert.x's default
 * answers with an empty body): a request line over {@code HTTP_MAX_INITIAL_LINE_BYTES} is 414, a header
 * section over {@code HTTP_MAX_HEADER_BYTES} 431, anything else malformed 400; each as problem+json with
 * the security headers, and the connection is closed (what follows on it cannot be trusted to be framed
 * right).
 */
final class InvalidRequests implements Handler<HttpServerRequest> {

  static final long LINGER_MS = 2_000;

  private final int maxInitialLineBytes;
  private final int maxHeaderBytes;

  InvalidRequests(int maxInitialLineBytes, int maxHeaderBytes) {
    this.maxInitialLineBytes = maxInitialLineBytes;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Problem problem = problemOf(request.decoderResult().cause());
    HttpServerResponse response = request.response();
    HttpConnection connection = request.connection();
    if (response.headWritten()) {
      connection.close();
      return;
    }
    Lingering lingering = Lingering.install(connection);
    SecurityHeaders.apply(response.headers());
    response.setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE)
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(problem.toJson().toBuffer())
        .onComplete(written -> {
          if (lingering == null) {
            connection.close();
          } else {
            lingering.start();
          }
        });
  }

  /**
   * Closing a connection whose request was not read to its end makes the kernel answer the unread bytes
   * with a reset, which can destroy the answer just written before the client reads it (a client that sends
   * its whole request before reading, as the JDK's does, saw a 414 lost that way). So, as web servers do, the
   * answer is followed by a half-close: the client reads the answer and the end of the stream, the decoder
   * (failed, it discards input) drains what is left, and the connection is closed when the client closes it
   * or after {@link #LINGER_MS} at most.
   *
   * <p>Vert.x itself closes the connection of a request it could not decode as soon as the answer is
   * written, by firing the decoder's failure down the pipeline. This handler, placed just before Vert.x's,
   * takes that failure and lingers instead; any other failure (a reset by the client) goes on to Vert.x.
   */
  private static final class Lingering extends ChannelInboundHandlerAdapter {

    /** The name Vert.x gives its own handler in an HTTP/1.x connection's pipeline. */
    private static final String VERTX_HANDLER = "handler";

    private final DuplexChannel channel;
    private boolean started;

    private Lingering(DuplexChannel channel) {
      this.channel = channel;
    }

    /** Placed in the connection's pipeline, or null where that cannot be done (then the connection is closed). */
    static Lingering install(HttpConnection connection) {
      if (connection instanceof ConnectionBase base && base.channel() instanceof DuplexChannel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(Lingering.class) == null) {
          Lingering lingering = new Lingering(channel);
          pipeline.addBefore(VERTX_HANDLER, null, lingering);
          return lingering;
        }
      }
      return null;
    }

    /** After the answer is written (either signal may come first; the second does nothing). */
    void start() {
      if (started) {
        return;
      }
      started = true;
      if (channel.isActive()) {
        channel.shutdownOutput();
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MS, TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof IOException) {
        ctx.fireExceptionCaught(cause);
      } else {
        start();
      }
    }
  }

  Problem problemOf(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return Problem.ofStatus(414, "The request line is longer than " + maxInitialLineBytes + " bytes.");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Problem.ofStatus(431, "The request headers are larger than " + maxHeaderBytes + " bytes in all.");
    }
    if (cause instanceof ContentLengthNotAllowedException) {
      return Problem.ofStatus(400, "A request must not carry both Content-Length and Transfer-Encoding.");
    }
    if (cause instanceof TransferEncodingNotAllowedException) {
      return Problem.ofStatus(400, "Transfer-Encoding needs HTTP/1.1.");
    }
    return Problem.ofStatus(400, "The request is not well-formed HTTP.");
  }
}
