package io.summit.dr.topology;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The failover plan: its steps, and whether a declared failure starts it by itself. */
public record FailoverPlan(
    @Doc("automatic: a quorum-declared failure starts the plan; manual: an operator does.")
        @Default("automatic")
        Trigger trigger,
    @Doc("Least time between two automatic plans, so a flapping region does not cause repeats.")
        @Default("5m")
        Duration cooldown,
    @Doc(
            "The steps, in order. Every promote needs fence and check-rpo steps for its stores"
                + " before it, outside its parallel group.")
        @Default(
            "[{name: stop-writes, action: stop-writes}, {name: fence, action: fence},"
                + " {name: check-rpo, action: check-rpo},"
                + " {name: promote, action: promote, parallel_group: promote},"
                + " {name: publish-endpoints, action: publish-endpoints},"
                + " {name: route-writes, action: route-writes},"
                + " {name: scale-up, action: scale-up, parallel_group: after-switch},"
                + " {name: verify, action: verify, parallel_group: after-switch}]")
        List<PlanStep> steps) {

  public FailoverPlan {
    steps = List.copyOf(steps);
    Violations v = new Violations();
    v.positive("cooldown", cooldown);
    v.check(!steps.isEmpty(), "steps", "no steps", "at least one step");
    v.unique("steps", steps, PlanStep::name);
    checkGroupsContiguous(v, steps);
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).action() == StepAction.PROMOTE) {
        checkBeforePromote(v, steps, i, StepAction.FENCE);
        checkBeforePromote(v, steps, i, StepAction.CHECK_RPO);
      }
    }
    v.throwIfAny();
  }

  /**
   * Safety invariants 1 and 3 in the plan's shape: every store a promote step acts on has a {@code
   * guard} step (fence, check-rpo) for it earlier in the plan, and not in the promote's parallel
   * group, where both would run at the same time.
   */
  private static void checkBeforePromote(
      Violations v, List<PlanStep> steps, int promote, StepAction guard) {
    PlanStep p = steps.get(promote);
    String name = guard.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    Set<String> covered = new HashSet<>();
    boolean all = false;
    for (int j = 0; j < steps.size(); j++) {
      PlanStep g = steps.get(j);
      if (j == promote || g.action() != guard) {
        continue;
      }
      if (p.parallelGroup() != null && p.parallelGroup().equals(g.parallelGroup())) {
        v.add(
            "steps[" + promote + "].parallel_group",
            "'" + p.parallelGroup() + "' runs promote and " + name + " (steps[" + j + "]) at once",
            name + " in a step before the promote's group");
        return;
      }
      if (j < promote) {
        all |= g.stores().isEmpty();
        covered.addAll(g.stores());
      }
    }
    List<String> missing = p.stores().stream().filter(st -> !covered.contains(st)).toList();
    if (!all && (p.stores().isEmpty() || !missing.isEmpty())) {
      String which = p.stores().isEmpty() ? "every store" : String.join(", ", missing);
      v.add(
          "steps[" + promote + "].action",
          "promote with no " + name + " of " + which + " before it",
          "a " + name + " step for the same stores before each promote step");
    }
  }

  private static void checkGroupsContiguous(Violations v, List<PlanStep> steps) {
    Set<String> closed = new HashSet<>();
    String previous = null;
    for (int i = 0; i < steps.size(); i++) {
      String group = steps.get(i).parallelGroup();
      if (previous != null && !previous.equals(group)) {
        closed.add(previous);
      }
      if (group != null && closed.contains(group)) {
        v.add(
            "steps[" + i + "].parallel_group",
            "'" + group + "' is split by other steps",
            "the steps of a parallel group next to each other");
      }
      previous = group;
    }
  }

  /** Whether the plan has a step of this action. */
  public boolean has(StepAction action) {
    return steps.stream().anyMatch(s -> Objects.equals(s.action(), action));
  }
}
