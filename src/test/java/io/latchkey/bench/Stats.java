package io.latchkey.bench;

import java.util.List;

/** Percentiles of a sample (nearest-rank), for the benchmark tables. */
record Stats(int count, double p50, double p99, double max) {

  static Stats of(List<Double> samples) {
    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Stats(sorted.length, percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]);
  }

  static double percentile(double[] sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  static String ms(double value) {
    return String.format("%.2f ms", value);
  }
}
