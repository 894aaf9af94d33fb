package io.summit.dr.drill.check;

import io.summit.dr.drill.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Stale reads beyond a bound: a read (of an entity or a register, strong or local) that returned a
 * value already superseded for longer than the bound when the read was invoked: some later write
 * (invoked after the write of the value read had been acknowledged) was acknowledged more than the
 * bound before the read began; or nothing at all although a write had been acknowledged more than
 * the bound before. Values are unique per key (the workloads write each value once). A read of the
 * value of an {@code info} write (unknown outcome: it took effect, at an instant the history does
 * not give) is not counted stale: nothing orders a later write after it.
 *
 * <p>Which reads count is the caller's choice ({@code which}): the drill checks the users' reads
 * (through the edge) against the bound; reads inside a region cut off from the writer are stale by
 * construction and reported apart.
 */
public final class StaleReads {
  public static final String NAME = "stale-reads";

  private StaleReads() {}

  public static CheckResult check(List<Op> ops, Duration bound, Predicate<Op> which) {
    long b = bound.toNanos();
    Map<String, List<Op>> writes = new HashMap<>();
    Map<String, List<Op>> unknown = new HashMap<>();
    for (Op o : ops) {
      if (o.f().isWrite() && o.ok()) {
        writes.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
      } else if (o.f().isWrite() && o.type() == Op.Type.INFO) {
        unknown.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
      }
    }
    List<CheckResult.Violation> found = new ArrayList<>();
    long reads = 0;
    for (Op r : ops) {
      if (r.f().isWrite() || !r.ok() || !which.test(r)) {
        continue;
      }
      reads++;
      if (r.value() != null
          && unknown.getOrDefault(r.key(), List.of()).stream()
              .anyMatch(w -> Objects.equals(w.value(), r.value()))) {
        // the value of a write with an unknown outcome: it took effect at some instant the history
        // does not give, so no later write can be shown to supersede it
        continue;
      }
      List<Op> keyWrites = writes.getOrDefault(r.key(), List.of());
      Op of =
          keyWrites.stream()
              .filter(w -> Objects.equals(w.value(), r.value()))
              .findFirst()
              .orElse(null);
      long readAfter = r.invokeNanos() - b;
      for (Op w : keyWrites) {
        boolean newer = of == null || w.invokeNanos() > of.completeNanos();
        if (w != of && newer && w.completeNanos() < readAfter) {
          found.add(
              new CheckResult.Violation(
                  String.format(
                      java.util.Locale.ROOT,
                      "read of %s returned %s, superseded by %s acknowledged %.3fs before the read"
                          + " (bound %.3fs)",
                      r.key(),
                      r.value(),
                      w.value(),
                      (r.invokeNanos() - w.completeNanos()) / 1e9,
                      b / 1e9),
                  of == null ? List.of(w, r) : List.of(of, w, r)));
          break;
        }
      }
    }
    return CheckResult.of(
        NAME,
        found,
        found.size() + " of " + reads + " reads stale beyond " + bound.toMillis() + "ms");
  }
}
