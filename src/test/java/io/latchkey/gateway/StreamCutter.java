package io.latchkey.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of one latchkey node that can cut the invalidation stream and nothing else, as a
 * middlebox or a partition on the stream's path would: connections whose first request is for
 * {@code /api/v1/internal/invalidations} are closed when it cuts, and refused while it stays cut; the others
 * (record fetches) pass. (A gateway cache keeps the stream's connections apart from the record fetches'.)
 */
final class StreamCutter implements AutoCloseable {

  private static final String STREAM_PATH = "/api/v1/internal/invalidations";

  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private StreamCutter(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  static StreamCutter start(Vertx vertx, int targetPort) throws Exception {
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer();
    StreamCutter cutter = new StreamCutter(server, client);
    server.connectHandler(inbound -> cutter.proxy(inbound, targetPort));
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return cutter;
  }

  int port() {
    return server.actualPort();
  }

  /** Closes the stream's connections; new ones are refused until {@link #heal()}. */
  void cut() {
    cut = true;
    streams.forEach(NetSocket::close);
  }

  void heal() {
    cut = false;
  }

  private void proxy(NetSocket inbound, int targetPort) {
    inbound.pause();
    client.connect(targetPort, "127.0.0.1").onComplete(connected -> {
      if (connected.failed()) {
        inbound.close();
        return;
      }
      NetSocket outbound = connected.result();
      Buffer head = Buffer.buffer();
      boolean[] decided = {false};
      inbound.handler(chunk -> {
        if (decided[0]) {
          outbound.write(chunk);
          return;
        }
        head.appendBuffer(chunk);
        String text = head.toString();
        int lineEnd = text.indexOf("\r\n");
        if (lineEnd < 0) {
          return;
        }
        decided[0] = true;
        if (text.substring(0, lineEnd).contains(STREAM_PATH)) {
          if (cut) {
            inbound.close();
            outbound.close();
            return;
          }
          streams.add(inbound);
        }
        outbound.write(head);
      });
      outbound.handler(inbound::write);
      inbound.closeHandler(v -> {
        streams.remove(inbound);
        outbound.close();
      });
      outbound.closeHandler(v -> inbound.close());
      inbound.resume();
    });
  }

  @Override
  public void close() {
    server.close();
    client.close();
  }
}
