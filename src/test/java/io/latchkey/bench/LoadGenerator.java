package io.latchkey.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A closed-loop HTTP load generator on one Vert.x event loop: {@code concurrency} requests in flight over
 * keep-alive connections, each answer sending the next request. Used where a request must carry
 * per-request headers that wrk cannot compute (signatures).
 */
final class LoadGenerator implements AutoCloseable {

  /** Requests answered 200 per second, and how many answers were anything else. */
  record Result(long ok, long errors, double seconds) {
    double rate() {
      return ok / seconds;
    }
  }

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final HttpClient client;
  private final int port;

  LoadGenerator(int port, int connections) {
    this.port = port;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1"),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  /**
   * Runs for {@code duration}, or until {@code next} returns {@code null} (its supply ran out).
   *
   * @param next the i-th request (path and headers); {@code null} to stop
   */
  Result run(Duration duration, int concurrency, IntFunction<RequestOptions> next) throws InterruptedException {
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicInteger sequence = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(concurrency);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    for (int i = 0; i < concurrency; i++) {
      vertx.runOnContext(v -> loop(next, sequence, end, ok, errors, done));
    }
    if (!done.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("requests did not finish");
    }
    return new Result(ok.get(), errors.get(), (System.nanoTime() - start) / 1e9);
  }

  private void loop(IntFunction<RequestOptions> next, AtomicInteger sequence, long end, AtomicLong ok,
      AtomicLong errors, CountDownLatch done) {
    RequestOptions request = System.nanoTime() < end ? next.apply(sequence.getAndIncrement()) : null;
    if (request == null) {
      done.countDown();
      return;
    }
    request.setPort(port).setHost("127.0.0.1");
    if (request.getMethod() == null) {
      request.setMethod(HttpMethod.GET);
    }
    client.request(request)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> resp.statusCode()))
        .onComplete(result -> {
          if (result.succeeded() && result.result() == 200) {
            ok.incrementAndGet();
          } else {
            errors.incrementAndGet();
          }
          loop(next, sequence, end, ok, errors, done);
        });
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
