package io.summit.dr.drill;

import io.summit.dr.drill.canary.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the canary's write latency is steady enough to inject the fault: on a freshly started lab
 * the daemons' JVMs are cold and the first seconds of writes take up to seconds each, which a drill
 * would otherwise count against the failover. Steady means: in each of the last {@value #BUCKETS}
 * one-second buckets (by issue time, ending {@code settled} ago so that every write in them has
 * been answered or timed out) writes were acknowledged, none failed, every bucket's 99th percentile
 * is at most {@value #P99_BOUND_MS} ms (a cold lab can be uniformly slow: measured, a p99 of 1.9 to
 * 2.4 s per second, median 1.5 s, ten seconds after a fresh start; 40 to 80 ms once warm), and the
 * highest bucket's 99th percentile is at most {@value #SPREAD} times the lowest's plus {@value
 * #SLACK_MS} ms.
 *
 * @param p99Ms each bucket's 99th percentile of write latency, oldest first (empty: too early)
 * @param p50Ms the median write latency over the buckets
 * @param failed failed writes in the buckets
 */
record WarmUp(List<Double> p99Ms, double p50Ms, long failed) {
  static final int BUCKETS = 3;
  static final double SPREAD = 1.5;
  static final long SLACK_MS = 20;
  static final double P99_BOUND_MS = 250;

  WarmUp {
    p99Ms = List.copyOf(p99Ms);
  }

  /** The figures of the {@value #BUCKETS} one-second buckets that end at {@code endNanos}. */
  static WarmUp of(List<Outcome> outcomes, long endNanos, long startNanos) {
    long bucket = Duration.ofSeconds(1).toNanos();
    long from = endNanos - BUCKETS * bucket;
    if (from < startNanos) {
      return new WarmUp(List.of(), 0, 0);
    }
    List<List<Long>> latencies = new ArrayList<>();
    for (int i = 0; i < BUCKETS; i++) {
      latencies.add(new ArrayList<>());
    }
    List<Long> all = new ArrayList<>();
    long failed = 0;
    for (Outcome o : outcomes) {
      if (o.kind() != Outcome.Kind.WRITE || o.issuedNanos() < from || o.issuedNanos() >= endNanos) {
        continue;
      }
      if (!o.ok()) {
        failed++;
        continue;
      }
      long took = o.doneNanos() - o.issuedNanos();
      latencies.get((int) ((o.issuedNanos() - from) / bucket)).add(took);
      all.add(took);
    }
    List<Double> p99 = latencies.stream().map(l -> percentileMs(l, 0.99)).toList();
    return new WarmUp(p99, percentileMs(all, 0.5), failed);
  }

  /** Whether the latency is steady (see the class description). */
  boolean steady() {
    if (p99Ms.size() < BUCKETS || failed > 0 || p99Ms.contains(Double.NaN)) {
      return false;
    }
    double min = p99Ms.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = p99Ms.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return max <= P99_BOUND_MS && max <= SPREAD * min + SLACK_MS;
  }

  /**
   * The figures for a person: {@code write p99 per second 48, 52, 47 ms, median 33 ms, 0 failed}.
   */
  String describe() {
    if (p99Ms.isEmpty()) {
      return "no complete second yet";
    }
    return "write p99 per second "
        + String.join(
            ", ",
            p99Ms.stream()
                .map(v -> v.isNaN() ? "-" : String.format(Locale.ROOT, "%.0f", v))
                .toList())
        + String.format(Locale.ROOT, " ms, median %.0f ms, %d failed", p50Ms, failed);
  }

  private static double percentileMs(List<Long> nanos, double p) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = nanos.stream().sorted().toList();
    int index = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
    return Math.round(sorted.get(Math.max(0, index)) / 1e5) / 10.0;
  }
}
