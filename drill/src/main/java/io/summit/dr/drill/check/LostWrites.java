package io.summit.dr.drill.check;

import io.summit.dr.drill.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lost acknowledged writes: an entity write the history has as {@code ok} that a store does not
 * hold afterwards (the audit's finding, per store). A write that ended {@code info} or {@code fail}
 * may be missing; one that is present although it {@code fail}ed is a violation too (a {@code fail}
 * promises it did not happen).
 */
public final class LostWrites {
  public static final String NAME = "lost-writes";

  private LostWrites() {}

  /**
   * @param missing per store, which of the history's entity writes ({@code ok} and {@code fail}
   *     ones, all audited) the store does not hold
   * @param audited false when a store could not be read (the result is then unknown)
   */
  public static CheckResult check(List<Op> ops, Map<String, Set<String>> missing, boolean audited) {
    if (!audited) {
      return CheckResult.unknown(NAME, "the stores could not all be audited");
    }
    List<CheckResult.Violation> found = new ArrayList<>();
    long acked = 0;
    for (Op o : ops) {
      if (o.f() != Op.F.WRITE || o.type() == Op.Type.INFO) {
        continue;
      }
      acked += o.ok() ? 1 : 0;
      for (Map.Entry<String, Set<String>> store : missing.entrySet()) {
        boolean there = !store.getValue().contains(o.key());
        if (o.ok() && !there) {
          found.add(
              new CheckResult.Violation(
                  "acknowledged write " + o.key() + " missing from " + store.getKey(), List.of(o)));
        } else if (o.type() == Op.Type.FAIL && there) {
          found.add(
              new CheckResult.Violation(
                  "failed write " + o.key() + " present in " + store.getKey(), List.of(o)));
        }
      }
    }
    return CheckResult.of(
        NAME,
        found,
        found.size() + " violations over " + acked + " acknowledged writes in " + missing.keySet());
  }
}
