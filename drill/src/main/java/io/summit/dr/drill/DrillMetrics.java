package io.summit.dr.drill;

import io.summit.dr.drill.canary.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The drill metrics of the design ("Drill metrics"), computed exactly as defined there from the
 * canary's outcomes and the audit of the stores. T0 is the instant the fault took effect (the first
 * link cut or kill completed), as measured by the lab.
 *
 * <ul>
 *   <li><b>Write RTO</b>: from T0 until the first canary write issued after T0 is acknowledged,
 *       provided at least 99 % of the writes issued after it succeed (null: never recovered);
 *   <li><b>read availability</b>: the share of reads issued in {@code [T0, T0 + window]} that
 *       succeed;
 *   <li><b>lost writes</b>: every acknowledged write missing afterwards from at least one store,
 *       whatever its acknowledgement time, per store, with each one's acknowledgement time relative
 *       to T0 ({@link #lost}) and the <b>RPO window</b>: T0 minus the acknowledgement time of the
 *       oldest lost write (0 when none; negative when every lost write was acknowledged after T0);
 *   <li><b>split brain</b>: writes acknowledged by the old writer region after the new one
 *       acknowledged its first.
 * </ul>
 *
 * Two finer counts are kept, each a part of {@link #lostWrites} and never subtracted from it:
 * {@link #lostAckedAfterT0} (lost writes whose acknowledgement came after the fault took effect,
 * typically answered by the dying writer) and {@link #lostAckedBySurvivingWriter} (lost writes the
 * region that is the writer at the end acknowledged: it never failed, so this is a defect).
 *
 * @param writePauseS the longest time after T0 writes were unavailable: from the first of a run of
 *     failed writes (by issue time) to the acknowledgement of the next write that succeeded; for a
 *     planned switchover this is the pause it costs, while the RTO also counts the preparation
 *     before it
 * @param lostWrites distinct acknowledged writes missing from at least one store, whatever their
 *     acknowledgement time
 * @param lostByStore per store, the acknowledged writes it does not hold
 * @param rpoWindowS T0 minus the acknowledgement time of the oldest lost write; 0 when nothing was
 *     lost
 * @param rpoWindowByStore the same per store
 * @param lost every lost write, oldest acknowledgement first
 * @param lostAckedAfterT0 the lost writes acknowledged after T0 (included in {@code lostWrites})
 * @param lostAckedBySurvivingWriter the lost writes acknowledged by the writer region at the end
 *     (included in {@code lostWrites}; must be 0)
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
    List<LostWrite> lost,
    long lostAckedAfterT0,
    long lostAckedBySurvivingWriter,
    long splitBrainWrites) {

  /** The share of the writes after the recovering one that must succeed. */
  static final double RECOVERED_SHARE = 0.99;

  public DrillMetrics {
    lostByStore = Collections.unmodifiableMap(new LinkedHashMap<>(lostByStore));
    rpoWindowByStore = Collections.unmodifiableMap(new LinkedHashMap<>(rpoWindowByStore));
    lost = List.copyOf(lost);
    if (lostWrites != lost.size()) {
      throw new IllegalArgumentException(
          "lostWrites: " + lostWrites + " (expected: the " + lost.size() + " lost writes listed)");
    }
    if (lostAckedAfterT0 > lostWrites || lostAckedBySurvivingWriter > lostWrites) {
      throw new IllegalArgumentException(
          "lostAckedAfterT0, lostAckedBySurvivingWriter: "
              + lostAckedAfterT0
              + ", "
              + lostAckedBySurvivingWriter
              + " (expected: parts of lostWrites "
              + lostWrites
              + ")");
    }
  }

  /**
   * One acknowledged write missing afterwards.
   *
   * @param ackedS its acknowledgement time relative to T0, in seconds (negative: before the fault)
   * @param writerRegion the region that acknowledged it
   * @param stores the stores that do not hold it
   */
  public record LostWrite(
      String id, double ackedS, @Nullable String writerRegion, List<String> stores) {
    public LostWrite {
      stores = List.copyOf(stores);
    }
  }

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
    for (Map.Entry<String, Set<String>> store : missing.entrySet()) {
      List<Outcome> lostHere =
          acked.stream().filter(o -> store.getValue().contains(o.id())).toList();
      lostByStore.put(store.getKey(), (long) lostHere.size());
      rpoByStore.put(store.getKey(), rpoWindow(lostHere, t0Nanos));
    }
    List<Outcome> lostAll =
        acked.stream()
            .filter(o -> missing.values().stream().anyMatch(m -> m.contains(o.id())))
            .toList();
    List<LostWrite> lost =
        lostAll.stream()
            .sorted(Comparator.comparingLong(Outcome::doneNanos))
            .map(o -> lostWrite(o, t0Nanos, missing))
            .toList();

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
        rpoWindow(lostAll, t0Nanos),
        rpoByStore,
        lost,
        lostAll.stream().filter(o -> o.doneNanos() >= t0Nanos).count(),
        lostAll.stream().filter(o -> newWriter.equals(o.writerRegion())).count(),
        splitBrain(acked, oldWriter, newWriter));
  }

  /** T0 minus the acknowledgement of the oldest of {@code lost}, in seconds; 0 when none. */
  static double rpoWindow(List<Outcome> lost, long t0Nanos) {
    return lost.stream().mapToLong(Outcome::doneNanos).min().stream()
        .mapToDouble(oldest -> seconds(t0Nanos - oldest))
        .findFirst()
        .orElse(0);
  }

  private static LostWrite lostWrite(Outcome o, long t0Nanos, Map<String, Set<String>> missing) {
    List<String> stores =
        missing.entrySet().stream()
            .filter(e -> e.getValue().contains(o.id()))
            .map(Map.Entry::getKey)
            .toList();
    return new LostWrite(o.id(), seconds(o.doneNanos() - t0Nanos), o.writerRegion(), stores);
  }

  /** The write RTO in seconds, or null when the writes never recovered. */
  static @Nullable Double rto(List<Outcome> writes, long t0Nanos) {
    List<Outcome> after = new ArrayList<>();
    for (Outcome o : writes) {
      if (o.issuedNanos() >= t0Nanos) {
        after.add(o);
      }
    }
    after.sort(Comparator.comparingLong(Outcome::issuedNanos));
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
            .sorted(Comparator.comparingLong(Outcome::issuedNanos))
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
