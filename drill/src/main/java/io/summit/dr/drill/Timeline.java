package io.summit.dr.drill;

import io.summit.dr.drill.canary.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * The canary's requests per second in fixed buckets around T0, for the report's chart: writes and
 * reads that succeeded and failed (by issue time), and the 99th percentile of write latency.
 *
 * @param startS the first bucket's start, in seconds from T0 (negative: before the fault)
 */
public record Timeline(
    double startS,
    double bucketS,
    List<Double> writesOk,
    List<Double> writesFailed,
    List<Double> readsOk,
    List<Double> readsFailed,
    List<Double> writeP99Ms) {

  static Timeline of(
      List<Outcome> outcomes, long t0Nanos, double startS, double endS, double bucketS) {
    int n = (int) Math.ceil((endS - startS) / bucketS);
    long[][] counts = new long[4][n];
    List<List<Long>> latencies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      latencies.add(new ArrayList<>());
    }
    for (Outcome o : outcomes) {
      double at = (o.issuedNanos() - t0Nanos) / 1e9;
      int b = (int) Math.floor((at - startS) / bucketS);
      if (b < 0 || b >= n) {
        continue;
      }
      boolean write = o.kind() == Outcome.Kind.WRITE;
      counts[(write ? 0 : 2) + (o.ok() ? 0 : 1)][b]++;
      if (write && o.ok()) {
        latencies.get(b).add(o.doneNanos() - o.issuedNanos());
      }
    }
    List<Double> p99 = new ArrayList<>();
    for (List<Long> l : latencies) {
      if (l.isEmpty()) {
        p99.add(0.0);
      } else {
        l.sort(null);
        p99.add(round(l.get((int) Math.min(l.size() - 1, Math.ceil(0.99 * l.size()) - 1)) / 1e6));
      }
    }
    return new Timeline(
        startS,
        bucketS,
        rates(counts[0], bucketS),
        rates(counts[1], bucketS),
        rates(counts[2], bucketS),
        rates(counts[3], bucketS),
        p99);
  }

  private static List<Double> rates(long[] counts, double bucketS) {
    List<Double> out = new ArrayList<>(counts.length);
    for (long c : counts) {
      out.add(round(c / bucketS));
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
