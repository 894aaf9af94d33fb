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
    @Doc("The steps, in order.")
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
    v.throwIfAny();
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
