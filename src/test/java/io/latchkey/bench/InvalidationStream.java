package io.latchkey.bench;

import io.latchkey.testing.Api;
import io.latchkey.testing.LocalCluster;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The invalidation stream under 1,000 subscribers (SPEC §9, §5c): {@code GET /api/v1/internal/invalidations}
 * as Server-Sent Events, 1,000 connections to one node from the bench JVM (two Vert.x event loops reading
 * them all). Each round revokes one session through the node's API; every subscriber's delay runs from the
 * revoke's 204 received to the moment the session's id arrives on that subscriber's stream (negative when the
 * event beats the answer). Goal: p99 <= 50 ms over every round and subscriber. Then the heap an idle
 * subscriber costs the node: heap used after a full GC with the 1,000 connected and idle, minus the same node
 * with none, per subscriber (goal <= 64 KiB).
 *
 * <p>Usage: {@code InvalidationStream <markdown-out> [subscribers] [rounds]}.
 */
public final class InvalidationStream {

  private static final String STREAM = "/api/v1/internal/invalidations";
  /**
   * Revocations sent before the measured ones: with one, the first measured rounds ran while both JVMs still
   * compiled the write and read paths (the JIT compilers used as much CPU as the event loops), which measured
   * start-up rather than a running node.
   */
  private static final int WARMUP_ROUNDS = 30;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int subscribers = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    Path work = Files.createTempDirectory("latchkey-bench-stream");

    try (BenchNode node = BenchNode.start(work, TestPostgres.freshDatabase().url(),
        Map.of("RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", "0"))) {
      List<String> tokens = node.createSessions(WARMUP_ROUNDS + rounds);
      long emptyHeap = Tools.heapAfterFullGc(node.process.pid());

      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
      try {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
            .setDefaultPort(node.port).setIdleTimeout(0), new PoolOptions().setHttp1MaxSize(subscribers));
        Map<String, Arrivals> arrivals = new ConcurrentHashMap<>();
        CountDownLatch connected = new CountDownLatch(subscribers);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < subscribers; i++) {
          subscribe(client, node.port, i, arrivals, connected, failed);
        }
        if (!connected.await(60, TimeUnit.SECONDS) || failed.get() > 0) {
          throw new IllegalStateException("subscribers connected: " + (subscribers - connected.getCount())
              + ", failed: " + failed.get());
        }
        long connectedHeap = Tools.heapAfterFullGc(node.process.pid());

        // warm-up revocations (the node's write path and the readers compiled), then the measured ones
        List<Double> delays = new ArrayList<>();
        for (int r = 0; r < WARMUP_ROUNDS + rounds; r++) {
          String token = tokens.get(r);
          String sessionId = Api.json(node.api.get("/api/v1/user/me", token)).getString("session_id");
          Arrivals round = new Arrivals(subscribers);
          arrivals.put(sessionId, round);
          HttpResponse<String> revoked = node.api.delete("/api/v1/user/sessions/current", token);
          long answered = System.nanoTime();
          if (revoked.statusCode() != 204) {
            throw new IllegalStateException("revoke answered " + revoked.statusCode());
          }
          if (!round.all.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("round " + r + ": " + (subscribers - round.all.getCount()) + " of "
                + subscribers + " subscribers got the revocation within 30 s");
          }
          long[] seen = new long[subscribers];
          for (int i = 0; i < subscribers; i++) {
            seen[i] = round.at.get(i);
          }
          if (r >= WARMUP_ROUNDS) {
            for (long at : seen) {
              delays.add((at - answered) / 1e6);
            }
          }
          arrivals.remove(sessionId);
        }
        Stats s = Stats.of(delays);
        double perSubscriber = (connectedHeap - emptyHeap) / (double) subscribers;
        String table = String.join("\n",
            "| measure | result | goal | met |",
            "|---|---|---|---|",
            String.format("| revoke's 204 received -> event on each of %,d SSE subscribers (%d rounds x %,d): p50 / p99 "
                + "/ max | %s / **%s** / %s | p99 <= 50 ms | %s |", subscribers, rounds, subscribers,
                Stats.ms(s.p50()), Stats.ms(s.p99()), Stats.ms(s.max()), s.p99() <= 50 ? "yes" : "NO"),
            String.format("| node heap after a full GC: %,d idle subscribers vs none | %,d vs %,d bytes | | |",
                subscribers, connectedHeap, emptyHeap),
            String.format("| heap per idle subscriber | **%.1f KiB** | <= 64 KiB | %s |", perSubscriber / 1024,
                perSubscriber <= 64 * 1024 ? "yes" : "NO"),
            "",
            String.format("The subscribers are %,d HTTP/1.1 connections from the bench JVM (two Vert.x event loops read"
                + " them, on the same two cores as the node and PostgreSQL), each `Accept: text/event-stream`"
                + " with the internal key. Each round revokes one session with `DELETE /api/v1/user/sessions/current`"
                + " on the same node, one round at a time, after " + WARMUP_ROUNDS + " warm-up rounds. Heap: `jcmd GC.run`"
                + " twice, then `GC.heap_info`.",
                subscribers));
        System.out.println(table);
        Files.writeString(out, table + "\n");
      } finally {
        vertx.close().await();
      }
    }
  }

  /** One SSE subscriber: marks, for each session id of interest, when it first appears on this stream. */
  private static void subscribe(HttpClient client, int port, int index, Map<String, Arrivals> arrivals,
      CountDownLatch connected, AtomicInteger failed) {
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setPort(port).setURI(STREAM)
            .putHeader("Accept", "text/event-stream")
            .putHeader("Authorization", "Bearer " + LocalCluster.INTERNAL_KEY))
        .compose(request -> request.send())
        .onSuccess(response -> {
          if (response.statusCode() != 200) {
            failed.incrementAndGet();
            connected.countDown();
            return;
          }
          connected.countDown();
          StringBuilder pending = new StringBuilder();
          response.handler(chunk -> {
            long now = System.nanoTime();
            pending.append(chunk.toString(StandardCharsets.UTF_8));
            // an event ends with a blank line; look only at whole events
            int end = pending.lastIndexOf("\n\n");
            if (end < 0) {
              return;
            }
            String events = pending.substring(0, end);
            pending.delete(0, end + 2);
            arrivals.forEach((sessionId, round) -> {
              if (events.contains(sessionId) && round.at.compareAndSet(index, 0, now)) {
                round.all.countDown();
              }
            });
          });
        })
        .onFailure(e -> {
          failed.incrementAndGet();
          connected.countDown();
        });
  }

  /**
   * One round's arrival times by subscriber, and a count of those still waiting: the event loops record without
   * a lock and the main thread sleeps until the last one (a monitor notified on every arrival had the waiting
   * thread contend with the readers it measures).
   */
  private static final class Arrivals {
    final AtomicLongArray at;
    final CountDownLatch all;

    Arrivals(int subscribers) {
      this.at = new AtomicLongArray(subscribers);
      this.all = new CountDownLatch(subscribers);
    }
  }

}
