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

  /** The median (the mean of the middle two for an even count). */
  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The values with two decimals, comma-separated: a table cell's list of per-round ratios. */
  static String list(double[] values) {
    return java.util.Arrays.stream(values).mapToObj(v -> String.format("%.2f", v))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  static String ms(double value) {
    return String.format("%.2f ms", value);
  }
}
