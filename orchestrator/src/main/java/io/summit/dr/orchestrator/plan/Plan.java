package io.summit.dr.orchestrator.plan;

import java.time.Instant;
import java.util.List;

/** A plan as requested: what kind, from which region to which, and its steps in order. */
public record Plan(
    String id,
    PlanKind kind,
    String from,
    String to,
    boolean forced,
    String requestedBy,
    List<StepSpec> steps,
    Instant createdAt) {

  public Plan {
    steps = List.copyOf(steps);
  }
}
