package io.summit.dr.drill.check;

import io.summit.dr.drill.history.Op;
import java.util.List;

/**
 * What one checker found in one history.
 *
 * @param checker the checker's name ({@code lost-writes}, {@code split-brain}, {@code
 *     linearizability}, {@code stale-reads})
 * @param violations how many violations (0 unless {@link Verdict#INVALID})
 * @param summary one line for a person
 * @param examples the first few violations, each with the window of history that shows it
 */
public record CheckResult(
    String checker, Verdict verdict, long violations, String summary, List<Violation> examples) {

  /** The checker's answer. */
  public enum Verdict {
    VALID,
    INVALID,
    /** The checker ran out of time or lacked input: neither valid nor invalid. */
    UNKNOWN
  }

  /** At most this many examples are kept. */
  static final int EXAMPLES = 5;

  public CheckResult {
    examples = List.copyOf(examples.subList(0, Math.min(EXAMPLES, examples.size())));
    if ((verdict == Verdict.INVALID) != (violations > 0)) {
      throw new IllegalArgumentException(
          checker
              + ": "
              + verdict
              + " with "
              + violations
              + " violations (expected: INVALID"
              + " exactly when violations > 0)");
    }
  }

  /**
   * One violation.
   *
   * @param what what is wrong
   * @param window the operations that show it, in invocation order
   */
  public record Violation(String what, List<Op> window) {
    public Violation {
      window = List.copyOf(window);
    }
  }

  static CheckResult valid(String checker, String summary) {
    return new CheckResult(checker, Verdict.VALID, 0, summary, List.of());
  }

  static CheckResult unknown(String checker, String reason) {
    return new CheckResult(checker, Verdict.UNKNOWN, 0, reason, List.of());
  }

  static CheckResult of(String checker, List<Violation> found, String summary) {
    return found.isEmpty()
        ? valid(checker, summary)
        : new CheckResult(checker, Verdict.INVALID, found.size(), summary, found);
  }

  public boolean invalid() {
    return verdict == Verdict.INVALID;
  }
}
