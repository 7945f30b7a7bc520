package io.latchkey.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits for a condition the system reaches asynchronously (a node becoming ready, a database coming
 * back), checking it again and again until it holds or the deadline passes. The deadline only bounds a
 * failing test; a passing test returns as soon as the condition is observed.
 */
public final class Eventually {

  private static final long PAUSE_MS = 20;

  private Eventually() {}

  public static <T> T await(Duration timeout, Callable<T> probe, Predicate<T> condition, String description)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    Exception lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        last = probe.call();
        if (condition.test(last)) {
          return last;
        }
      } catch (Exception e) {
        lastError = e;
      }
      Thread.sleep(PAUSE_MS);
    }
    AssertionError failure = new AssertionError(
        "timed out after " + timeout.toMillis() + " ms waiting for " + description + "; last seen: " + last);
    if (lastError != null) {
      failure.addSuppressed(lastError);
    }
    throw failure;
  }
}
