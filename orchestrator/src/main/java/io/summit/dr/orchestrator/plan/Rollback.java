package io.summit.dr.orchestrator.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Safety invariant 4, second half: a plan that stops before any promotion started undoes what it
 * did to the old writer, so that writes are not left stopped with nobody promoted. Fence is undone
 * by unfence, stop-writes by routing writes back to the plan's {@code from} region, in reverse
 * order. A step that started but failed is undone too: both undo actions are idempotent, so undoing
 * what never took effect reports {@code AlreadyDone}. Once a promotion started nothing is undone:
 * the target may already take writes, and unfencing the old writer would make two.
 */
public final class Rollback {
  /** The id prefix of undo steps. */
  public static final String PREFIX = "rollback/";

  private Rollback() {}

  /** The undo steps for {@code progress}, or none when a promotion started or nothing needs it. */
  static List<StepSpec> of(PlanProgress progress) {
    Plan plan = progress.plan();
    boolean promoting =
        plan.steps().stream()
            .anyMatch(s -> s.action() == Action.PROMOTE && progress.touched(s.id()));
    List<StepSpec> out = new ArrayList<>();
    if (promoting) {
      return out;
    }
    for (StepSpec s : plan.steps().reversed()) {
      if (!progress.touched(s.id())) {
        continue;
      }
      if (s.action() == Action.FENCE) {
        out.add(undo(s, Action.UNFENCE, s.region()));
      } else if (s.action() == Action.STOP_WRITES) {
        out.add(undo(s, Action.ROUTE_WRITES, plan.from()));
      }
    }
    return out;
  }

  private static StepSpec undo(StepSpec s, Action action, String region) {
    return new StepSpec(
        PREFIX + s.id(), action, region, s.store(), null, false, s.timeout(), s.retries());
  }
}
