package io.summit.dr.cli;

import io.summit.dr.lab.Lab;
import io.summit.dr.lab.ReplicationProbe;
import io.summit.dr.topology.ObjectRule;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code summit-dr lab measure-lag}: the replication delay from the primary region to the first
 * secondary, store by store, as {@link ReplicationProbe} measures it.
 */
@Command(
    name = "measure-lag",
    mixinStandardHelpOptions = true,
    description =
        "Time writes on each primary until the replica shows them (WAN latency included).")
final class LabMeasureLagCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin LabCommand.DirOption dir = new LabCommand.DirOption();
  @CommandLine.Mixin JsonOption json = new JsonOption();

  @Option(
      names = "--samples",
      defaultValue = "50",
      description = "Writes per store (default: ${DEFAULT-VALUE}).")
  int samples = 50;

  @Override
  public Integer call() {
    if (samples < 1 || samples > 100_000) {
      throw new IllegalArgumentException("--samples: " + samples + " (expected: 1..100000)");
    }
    Lab lab = dir.lab();
    PrintWriter out = spec.commandLine().getOut();
    String primary = lab.topology().primary().name();
    String secondary = lab.topology().secondaries().get(0).name();
    List<ReplicationProbe.Result> results = new ArrayList<>();
    if (!json.enabled) {
      out.println(
          "replication delay "
              + primary
              + " -> "
              + secondary
              + " (write acknowledged on the primary until readable on the replica):");
    }
    probe(
        lab,
        primary,
        secondary,
        r -> {
          results.add(r);
          if (!json.enabled) {
            out.println("  " + r.summary());
            out.flush();
          }
        });
    if (json.enabled) {
      JsonOption.print(spec, Report.of(primary, secondary, samples, results));
    }
    return 0;
  }

  /** Probes each store replicated from {@code primary} to {@code secondary}, one after another. */
  private void probe(
      Lab lab, String primary, String secondary, Consumer<ReplicationProbe.Result> each) {
    each.accept(
        ReplicationProbe.postgres(
            lab.component("postgres-" + primary),
            lab.component("postgres-" + secondary),
            samples,
            TIMEOUT));
    each.accept(
        ReplicationProbe.redis(
            lab.component("redis-" + primary),
            lab.component("redis-" + secondary),
            samples,
            TIMEOUT));
    for (Store store : lab.topology().stores()) {
      if (store.kind() == StoreKind.OBJECTS
          && store.primaryRegion().equals(primary)
          && store.involves(secondary)) {
        ObjectRule rule = store.objectRule();
        each.accept(
            ReplicationProbe.objects(
                lab.dir(),
                lab.component("objects-" + primary),
                rule.bucket(primary),
                lab.component("objects-" + secondary),
                rule.bucket(secondary),
                rule.prefix(),
                samples,
                TIMEOUT));
      }
    }
    if (lab.topology().stores().stream().anyMatch(s -> s.kind() == StoreKind.NEO4J)) {
      each.accept(
          ReplicationProbe.neo4j(
              lab.component("neo4j-" + primary),
              lab.component("neo4j-" + secondary),
              samples,
              TIMEOUT));
    }
  }

  /**
   * What {@code lab measure-lag --json} prints: the regions measured, the samples asked for per
   * store, and each store's statistics.
   */
  record Report(String primary, String secondary, int samplesPerStore, List<Stats> stores) {
    static Report of(
        String primary, String secondary, int samples, List<ReplicationProbe.Result> results) {
      return new Report(primary, secondary, samples, results.stream().map(Stats::of).toList());
    }
  }

  /**
   * One store's delays in milliseconds, from the primary's acknowledgement of a write until the
   * replica returned it (nearest-rank percentiles, as the text line shows them), and the median of
   * the writes themselves on the primary (not counted in the delay); null without samples.
   */
  record Stats(
      String store,
      int samples,
      @Nullable Double medianMs,
      @Nullable Double p95Ms,
      @Nullable Double p99Ms,
      @Nullable Double maxMs,
      @Nullable Double writeMedianMs) {
    static Stats of(ReplicationProbe.Result r) {
      List<Double> d = r.millis();
      return new Stats(
          r.store(),
          d.size(),
          percentile(d, 50),
          percentile(d, 95),
          percentile(d, 99),
          percentile(d, 100),
          percentile(r.writeMillis(), 50));
    }

    private static @Nullable Double percentile(List<Double> sorted, double p) {
      if (sorted.isEmpty()) {
        return null;
      }
      int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
      double v = sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
      return Math.round(v * 1000) / 1000.0;
    }
  }
}
