package io.summit.dr.cli;

import io.summit.dr.drill.Drill;
import io.summit.dr.drill.Scenario;
import io.summit.dr.topology.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The options {@code drill} and {@code demo} share: the lab to start, the window, the reports. */
final class DrillOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "examples/lab.yaml",
      description = "The topology of a lab to start when none is up (default: ${DEFAULT-VALUE}).")
  Path config = Path.of("examples/lab.yaml");

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      defaultValue = "60s",
      description =
          "Read-availability window after T0; the canary runs that long (default 60s, the"
              + " design's).")
  String window = "60s";

  @Option(
      names = "--reports",
      paramLabel = "DIR",
      defaultValue = "reports",
      description = "Where the reports go (default: ${DEFAULT-VALUE}).")
  Path reports = Path.of("reports");

  @Option(
      names = "--documents-per-second",
      paramLabel = "N",
      description =
          "With an objects or a neo4j store in the topology: how many of the canary's writes per"
              + " second also write a document and a graph node, spread evenly; only those are"
              + " looked for in the buckets and the graphs afterwards (default: a tenth of the"
              + " write rate, 20 at 200 writes/s; 0: every write). The lab's S3Mock slows down as"
              + " keys accumulate; its Neo4j takes some 300 transactions a second.")
  @Nullable Double documentsPerSecond;

  /** The drill's options: these, the given warm-up and rates, the defaults for the rest. */
  Drill.Options options(Scenario s, Duration warmup, double writeRate, double readRate) {
    if (writeRate < 0 || readRate < 0) {
      throw new IllegalArgumentException(
          "--write-rate/--read-rate: negative (expected: >= 0 requests per second)");
    }
    Double documents = documentsPerSecond;
    if (documents != null && !(documents >= 0 && documents <= writeRate)) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "--documents-per-second: %s (expected: >= 0 and <= the write rate %s)",
              number(documents),
              number(writeRate)));
    }
    Drill.Options d = Drill.Options.defaults(s);
    Drill.Options o =
        new Drill.Options(
            s,
            duration("--window", window),
            warmup,
            writeRate,
            readRate,
            d.seeds(),
            d.requestTimeout(),
            reports);
    return documents == null ? o : o.withDocumentsPerSecond(documents);
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** The defaults' warm-up and rates. */
  Drill.Options options(Scenario s) {
    return options(s, Drill.Options.defaults(s).warmup());
  }

  /** The defaults' rates (the design's canary) with {@code warmup}. */
  Drill.Options options(Scenario s, Duration warmup) {
    Drill.Options d = Drill.Options.defaults(s);
    return options(s, warmup, d.writesPerSecond(), d.readsPerSecond());
  }

  static Duration duration(String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' (expected: a duration such as 60s or 500ms)", e);
    }
  }
}
