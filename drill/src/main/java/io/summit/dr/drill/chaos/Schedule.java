package io.summit.dr.drill.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One random fault schedule: up to {@code maxFaults} faults, each at an offset from the schedule's
 * start, all held until {@link #endS} and then healed (links restored, killed components
 * restarted). Drawn from the seed and the schedule's index only: the same seed, index and fault set
 * give the same schedule.
 */
public record Schedule(long seed, int index, List<Fault> faults, double endS) {

  /**
   * One fault of a schedule.
   *
   * @param atS when to inject it, in seconds from the schedule's start
   * @param targets the region, location pair, location or component it hits
   * @param latencyMs for a slow link, the latency set on it
   */
  public record Fault(double atS, FaultSet.Kind kind, List<String> targets, int latencyMs) {
    public Fault {
      targets = List.copyOf(targets);
    }

    public String describe() {
      return kind.wireName()
          + (targets.isEmpty() ? "" : " " + String.join(" ", targets))
          + (kind == FaultSet.Kind.SLOW_LINK ? " " + latencyMs + "ms" : "");
    }
  }

  public Schedule {
    faults = List.copyOf(faults);
  }

  /**
   * Draws schedule {@code index} of {@code seed}. At most one region is killed per schedule (two
   * would leave no region to fail over to).
   */
  public static Schedule draw(long seed, int index, FaultSet set, int maxFaults) {
    if (maxFaults < 1) {
      throw new IllegalArgumentException("--max-faults: " + maxFaults + " (expected: >= 1)");
    }
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + index);
    List<FaultSet.Kind> kinds = set.kinds();
    int n = 1 + r.nextInt(maxFaults);
    List<Fault> faults = new ArrayList<>();
    double at = 0;
    boolean regionKilled = false;
    for (int i = 0; i < n; i++) {
      FaultSet.Kind kind = kinds.get(r.nextInt(kinds.size()));
      if (kind == FaultSet.Kind.KILL_REGION && regionKilled) {
        kind = FaultSet.Kind.PARTITION;
      }
      regionKilled |= kind == FaultSet.Kind.KILL_REGION;
      faults.add(new Fault(at, kind, targets(kind, set, r), 100 + 50 * r.nextInt(8)));
      at += 1 + r.nextInt(4);
    }
    return new Schedule(seed, index, faults, at + 2 + r.nextInt(4));
  }

  private static List<String> targets(FaultSet.Kind kind, FaultSet set, SplittableRandom r) {
    return switch (kind) {
      case KILL_REGION -> List.of(pick(set.regions(), r));
      case KILL_STORE -> List.of(pick(set.stores(), r));
      case KILL_ORCHESTRATOR_LEADER -> List.of();
      case KILL_ETCD -> List.of(pick(set.etcd(), r));
      case KILL_AGENT -> List.of(pick(set.agents(), r));
      case ISOLATE -> List.of(pick(set.locations(), r));
      case PARTITION, SLOW_LINK -> pair(set.locations(), r);
      case KILL_ZONE -> List.of(pick(set.allZones(), r));
      case PARTITION_ZONES ->
          java.util.Objects.requireNonNull(
              set.zones().get(pick(List.copyOf(set.zones().keySet()), r)));
    };
  }

  private static String pick(List<String> from, SplittableRandom r) {
    return from.get(r.nextInt(from.size()));
  }

  private static List<String> pair(List<String> from, SplittableRandom r) {
    int a = r.nextInt(from.size());
    int b = (a + 1 + r.nextInt(from.size() - 1)) % from.size();
    return List.of(from.get(a), from.get(b));
  }

  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Fault f : faults) {
      parts.add(String.format(Locale.ROOT, "+%.0fs %s", f.atS(), f.describe()));
    }
    return String.format(
        Locale.ROOT,
        "schedule %d (seed %d): %s; heal at +%.0fs",
        index,
        seed,
        String.join(", ", parts),
        endS);
  }
}
