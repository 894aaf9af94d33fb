package io.summit.dr.drill.check;

import io.summit.dr.drill.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Lost acknowledged writes: an entity write the history has as {@code ok} that a store does not
 * hold afterwards (the audit's finding, per store). A write that ended {@code info} or {@code fail}
 * may be missing; one that is present although it {@code fail}ed is a violation too (a {@code fail}
 * promises it did not happen). A store is judged only on the writes it was looked in for: an
 * objects store holds a document only for the writes that asked for one.
 */
public final class LostWrites {
  public static final String NAME = "lost-writes";

  private LostWrites() {}

  /**
   * Every store looked in for every entity write of the history.
   *
   * @param missing per store, which of the history's entity writes ({@code ok} and {@code fail}
   *     ones, all audited) the store does not hold
   * @param audited false when a store could not be read (the result is then unknown)
   */
  public static CheckResult check(List<Op> ops, Map<String, Set<String>> missing, boolean audited) {
    Set<String> all = new HashSet<>();
    for (Op o : ops) {
      if (o.f() == Op.F.WRITE) {
        all.add(o.key());
      }
    }
    Map<String, Set<String>> looked = new HashMap<>();
    missing.keySet().forEach(store -> looked.put(store, all));
    return check(ops, missing, looked, audited);
  }

  /**
   * @param missing per store, which of the writes it was looked in for it does not hold
   * @param looked per store, which of the history's entity writes ({@code ok} and {@code fail}
   *     ones) it was looked in for; a write it was not looked in for is neither lost nor present
   *     there
   * @param audited false when a store could not be read (the result is then unknown)
   * @throws IllegalArgumentException when a store of {@code missing} is not in {@code looked}
   */
  public static CheckResult check(
      List<Op> ops,
      Map<String, Set<String>> missing,
      Map<String, Set<String>> looked,
      boolean audited) {
    if (!looked.keySet().containsAll(missing.keySet())) {
      throw new IllegalArgumentException(
          "looked: stores "
              + looked.keySet()
              + " (expected: every store of missing, "
              + missing.keySet()
              + ")");
    }
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
        if (!Objects.requireNonNull(looked.get(store.getKey())).contains(o.key())) {
          continue;
        }
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
