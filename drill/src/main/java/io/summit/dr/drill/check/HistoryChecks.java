package io.summit.dr.drill.check;

import io.summit.dr.drill.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every checker's result on one history, as the drill reports them.
 *
 * @param operations how many operations the history holds
 * @param history the JSON lines file of the history (null: not written)
 * @param results one per checker
 * @param handovers the changes of writer the split-brain check saw, with their gaps
 * @param staleInRegion reads by clients inside a region that were stale beyond the bound
 *     (informative: a region cut off from the writer serves stale local reads by design)
 */
public record HistoryChecks(
    long operations,
    @Nullable String history,
    List<CheckResult> results,
    List<SplitBrain.Handover> handovers,
    long staleInRegion) {

  public HistoryChecks {
    results = List.copyOf(results);
    handovers = List.copyOf(handovers);
  }

  /**
   * The checkers' settings.
   *
   * @param staleBound a read behind by more than this is stale
   * @param limit the time each search may take before its answer is unknown
   */
  public record Settings(Duration staleBound, Duration limit) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(20));
    }
  }

  /** No history (a run that recorded none). */
  public static HistoryChecks none() {
    return new HistoryChecks(0, null, List.of(), List.of(), 0);
  }

  /**
   * Runs every checker.
   *
   * @param missing per store, which of the writes it was looked in for it lacks
   * @param looked per store, which of the history's entity writes (ok and fail) it was looked in
   *     for (an objects store: only those that asked for a document)
   */
  public static HistoryChecks run(
      List<Op> ops,
      Map<String, Set<String>> missing,
      Map<String, Set<String>> looked,
      boolean audited,
      Settings settings,
      @Nullable String historyFile) {
    List<CheckResult> results = new ArrayList<>();
    results.add(LostWrites.check(ops, missing, looked, audited));
    SplitBrain.Result split = SplitBrain.check(ops);
    results.add(split.check());
    results.add(Linearizability.check(ops, settings.limit()));
    results.add(StaleReads.check(ops, settings.staleBound(), o -> o.client().equals("edge")));
    long inRegion =
        StaleReads.check(ops, settings.staleBound(), o -> !o.client().equals("edge")).violations();
    return new HistoryChecks(ops.size(), historyFile, results, split.handovers(), inRegion);
  }

  /** The result of one checker, by name. */
  public @Nullable CheckResult result(String checker) {
    return results.stream().filter(r -> r.checker().equals(checker)).findFirst().orElse(null);
  }

  /** Violations of one checker (0 when it did not run or found none). */
  public long violations(String checker) {
    CheckResult r = result(checker);
    return r == null ? 0 : r.violations();
  }
}
