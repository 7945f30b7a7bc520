package io.latchkey.limit;

import java.time.Duration;

/**
 * A rate as a token bucket sees it: {@code burst} tokens at most, one more every {@link #interval()}.
 * A rate of zero tokens per period is "no limit".
 */
public record RateLimit(long tokens, Duration per, int burst) {

  public RateLimit {
    if (tokens < 0 || burst < 1 || per.isNegative() || per.isZero()) {
      throw new IllegalArgumentException("a rate needs tokens >= 0, burst >= 1 and a positive period");
    }
  }

  public static RateLimit perSecond(long tokens, int burst) {
    return new RateLimit(tokens, Duration.ofSeconds(1), burst);
  }

  public static RateLimit perMinute(long tokens, int burst) {
    return new RateLimit(tokens, Duration.ofMinutes(1), burst);
  }

  public boolean isOff() {
    return tokens == 0;
  }

  /** The time one token takes to come back. */
  public Duration interval() {
    return per.dividedBy(tokens);
  }
}
