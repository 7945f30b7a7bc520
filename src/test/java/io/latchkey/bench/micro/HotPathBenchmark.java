package io.latchkey.bench.micro;

import io.latchkey.session.Tokens;
import io.latchkey.config.AppConfig.SessionCacheConfig;
import io.latchkey.session.CachedSession;
import io.latchkey.session.SessionCache;
import io.latchkey.session.TokenHash;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The pieces of a cache-hit validation that are the service's own code, one at a time: checking and
 * hashing the bearer token, and finding its session in a cache of {@code sessions} entries (with the
 * statistics recording the node runs with). Tokens are visited in a shuffled order, so the cache is read
 * the way 10,000 clients read it, not the same line again and again.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmark {

  private static final int TOKENS = 1 << 13;

  @Param({"10000", "1000000"})
  public int sessions;

  private String[] tokens;
  private TokenHash[] hashes;
  private SessionCache cache;
  private int next;

  @Setup
  public void fill() {
    cache = SessionCache.create(new SessionCacheConfig(sessions, Duration.ofHours(1), Duration.ofSeconds(5), 1000,
        64, 2000, Duration.ofSeconds(2), Duration.ZERO), new SimpleMeterRegistry());
    tokens = new String[TOKENS];
    hashes = new TokenHash[TOKENS];
    UUID account = UUID.randomUUID();
    int stride = sessions / TOKENS;
    int sampled = 0;
    for (int i = 0; i < sessions; i++) {
      String token = Tokens.generate();
      TokenHash hash = Tokens.hash(token);
      cache.fill(hash, new CachedSession(UUID.randomUUID(), account, null, System.currentTimeMillis(), 0L));
      // a sample spread over the whole cache, visited in shuffled order
      if (i % stride == 0 && sampled < TOKENS) {
        tokens[sampled] = token;
        hashes[sampled++] = hash;
      }
    }
    Random random = new Random(42);
    for (int i = TOKENS - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      String t = tokens[i];
      tokens[i] = tokens[j];
      tokens[j] = t;
      TokenHash h = hashes[i];
      hashes[i] = hashes[j];
      hashes[j] = h;
    }
  }

  @Benchmark
  public TokenHash hashToken() {
    return Tokens.hash(tokens[next++ & (TOKENS - 1)]);
  }

  @Benchmark
  public CachedSession cacheLookup() {
    return cache.get(hashes[next++ & (TOKENS - 1)]);
  }

  /** What the HTTP verticle does with a bearer token on a hit: check its form, hash it, find it, check it. */
  @Benchmark
  public boolean tokenToActiveSession() {
    CachedSession session = cache.get(Tokens.hash(tokens[next++ & (TOKENS - 1)]));
    return session != null && session.active();
  }
}
