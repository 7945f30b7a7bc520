package io.latchkey.bench.micro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link HotPathBenchmark} with JMH (one fork, one thread) and writes its table. */
public final class Micro {

  private Micro() {}

  public static void main(String[] args) throws RunnerException, IOException {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(HotPathBenchmark.class.getName())
        .forks(1)
        .threads(1)
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(1))
        .jvmArgs("-Xmx2g")
        .build()).run();
    StringBuilder table = new StringBuilder()
        .append("| benchmark | sessions cached | ns per operation (mean ± 99.9% error) |\n|---|---|---|\n");
    for (RunResult result : results) {
      var primary = result.getPrimaryResult();
      String name = result.getParams().getBenchmark();
      table.append(String.format(Locale.ROOT, "| %s | %s | %.0f ± %.0f |%n", name.substring(name.lastIndexOf('.') + 1),
          result.getParams().getParam("sessions"), primary.getScore(), primary.getScoreError()));
    }
    table.append("\nJMH ").append(org.openjdk.jmh.util.Version.getPlainVersion())
        .append(", one fork (-Xmx2g), one thread, 3 x 1 s warm-up and 5 x 1 s measurement per benchmark.\n");
    Files.writeString(Path.of(args[0]), table);
    System.out.print(table);
  }
}
