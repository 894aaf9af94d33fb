package io.summit.dr.drill;

import io.summit.dr.drill.canary.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The drill metrics of the design, computed exactly as defined there from the canary's outcomes and
 * the audit of the stores:
 *
 * <ul>
 *   <li><b>Write RTO</b>: from T0 until the first canary write issued after T0 is acknowledged,
 *       provided at least 99 % of the writes issued after it succeed (null: never recovered);
 *   <li><b>read availability</b>: the share of reads issued in {@code [T0, T0 + window]} that
 *       succeed;
 *   <li><b>RPO</b>: writes acknowledged before T0 missing afterwards, as a count and a window (T0
 *       minus the acknowledgement time of the oldest lost write), per store;
 *   <li><b>split brain</b>: writes acknowledged by the old writer region after the new one
 *       acknowledged its first.
 * </ul>
 *
 * Writes acknowledged after T0 and missing are counted apart: those the old writer region
 * acknowledged ({@link #lostInFlight}: committed there before the fault, their answer still on the
 * way at T0) are loss the fault explains; any other ({@link #lostAfterT0}: acknowledged by the
 * writer that is still there) is a defect.
 *
 * @param writePauseS the longest time after T0 writes were unavailable: from the first of a run of
 *     failed writes (by issue time) to the acknowledgement of the next write that succeeded; for a
 *     planned switchover this is the pause it costs, while the RTO also counts the preparation
 *     before it
 * @param lostWrites distinct writes acknowledged before T0 and missing from at least one store
 * @param rpoWindowS the largest RPO window over the stores; 0 when nothing was lost
 */
public record DrillMetrics(
    @Nullable Double rtoWriteS,
    double writePauseS,
    double readAvailability,
    long readsInWindow,
    long readsFailedInWindow,
    long writesIssued,
    long ackedWrites,
    long ackedBeforeT0,
    long lostWrites,
    Map<String, Long> lostByStore,
    double rpoWindowS,
    Map<String, Double> rpoWindowByStore,
    long lostInFlight,
    long lostAfterT0,
    long splitBrainWrites) {

  /** The share of the writes after the recovering one that must succeed. */
  static final double RECOVERED_SHARE = 0.99;

  /**
   * @param missing per store, the ids of acknowledged writes the store does not hold
   * @param oldWriter the writer region before T0
   * @param newWriter the writer region after recovery (the same when the writer did not move)
   */
  public static DrillMetrics compute(
      List<Outcome> outcomes,
      long t0Nanos,
      Duration readWindow,
      Map<String, Set<String>> missing,
      String oldWriter,
      String newWriter) {
    List<Outcome> writes = outcomes.stream().filter(o -> o.kind() == Outcome.Kind.WRITE).toList();
    List<Outcome> acked = writes.stream().filter(Outcome::ok).toList();
    long windowEnd = t0Nanos + readWindow.toNanos();
    List<Outcome> reads =
        outcomes.stream()
            .filter(o -> o.kind() == Outcome.Kind.READ)
            .filter(o -> o.issuedNanos() >= t0Nanos && o.issuedNanos() <= windowEnd)
            .toList();
    long readsFailed = reads.stream().filter(o -> !o.ok()).count();

    Map<String, Long> lostByStore = new LinkedHashMap<>();
    Map<String, Double> rpoByStore = new LinkedHashMap<>();
    Set<String> lost = new TreeSet<>();
    Set<String> inFlight = new TreeSet<>();
    Set<String> lostAfterIds = new TreeSet<>();
    boolean moved = !oldWriter.equals(newWriter);
    for (Map.Entry<String, Set<String>> store : missing.entrySet()) {
      long count = 0;
      long oldest = Long.MAX_VALUE;
      for (Outcome o : acked) {
        if (!store.getValue().contains(o.id())) {
          continue;
        }
        if (o.doneNanos() < t0Nanos) {
          count++;
          lost.add(o.id());
          oldest = Math.min(oldest, o.doneNanos());
        } else if (moved && oldWriter.equals(o.writerRegion())) {
          inFlight.add(o.id());
        } else {
          lostAfterIds.add(o.id());
        }
      }
      lostByStore.put(store.getKey(), count);
      rpoByStore.put(store.getKey(), count == 0 ? 0.0 : seconds(t0Nanos - oldest));
    }

    return new DrillMetrics(
        rto(writes, t0Nanos),
        writePause(writes, t0Nanos),
        reads.isEmpty() ? 1.0 : (reads.size() - readsFailed) / (double) reads.size(),
        reads.size(),
        readsFailed,
        writes.size(),
        acked.size(),
        acked.stream().filter(o -> o.doneNanos() < t0Nanos).count(),
        lost.size(),
        lostByStore,
        rpoByStore.values().stream().mapToDouble(Double::doubleValue).max().orElse(0),
        rpoByStore,
        inFlight.size(),
        lostAfterIds.size(),
        splitBrain(acked, oldWriter, newWriter));
  }

  /** The write RTO in seconds, or null when the writes never recovered. */
  static @Nullable Double rto(List<Outcome> writes, long t0Nanos) {
    List<Outcome> after = new ArrayList<>();
    for (Outcome o : writes) {
      if (o.issuedNanos() >= t0Nanos) {
        after.add(o);
      }
    }
    after.sort(java.util.Comparator.comparingLong(Outcome::issuedNanos));
    int n = after.size();
    int[] okFrom = new int[n + 1];
    for (int k = n - 1; k >= 0; k--) {
      okFrom[k] = okFrom[k + 1] + (after.get(k).ok() ? 1 : 0);
    }
    for (int k = 0; k < n; k++) {
      if (after.get(k).ok() && okFrom[k] >= RECOVERED_SHARE * (n - k)) {
        return seconds(after.get(k).doneNanos() - t0Nanos);
      }
    }
    return null;
  }

  /** The longest run of write unavailability after T0, in seconds (see {@link #writePauseS}). */
  static double writePause(List<Outcome> writes, long t0Nanos) {
    List<Outcome> after =
        writes.stream()
            .filter(o -> o.issuedNanos() >= t0Nanos)
            .sorted(java.util.Comparator.comparingLong(Outcome::issuedNanos))
            .toList();
    long longest = 0;
    long failingSince = -1;
    for (Outcome o : after) {
      if (!o.ok()) {
        if (failingSince < 0) {
          failingSince = o.issuedNanos();
        }
      } else if (failingSince >= 0) {
        longest = Math.max(longest, o.doneNanos() - failingSince);
        failingSince = -1;
      }
    }
    if (failingSince >= 0 && !after.isEmpty()) {
      longest = Math.max(longest, after.get(after.size() - 1).doneNanos() - failingSince);
    }
    return seconds(longest);
  }

  /** Writes the old writer acknowledged after the new writer acknowledged its first. */
  static long splitBrain(List<Outcome> acked, String oldWriter, String newWriter) {
    if (oldWriter.equals(newWriter)) {
      return 0;
    }
    long firstNew =
        acked.stream()
            .filter(o -> newWriter.equals(o.writerRegion()))
            .mapToLong(Outcome::doneNanos)
            .min()
            .orElse(Long.MAX_VALUE);
    return acked.stream()
        .filter(o -> oldWriter.equals(o.writerRegion()) && o.doneNanos() > firstNew)
        .count();
  }

  static double seconds(long nanos) {
    return Math.round(nanos / 1e6) / 1000.0;
  }
}
