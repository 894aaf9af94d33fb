package io.summit.dr.orchestrator.plan;

/** A plan request refused because another plan runs; carries the running plan's id. */
public final class PlanRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String runningPlan;

  public PlanRefusedException(String runningPlan) {
    super("plan " + runningPlan + " is running; one plan at a time (wait for it, or approve it)");
    this.runningPlan = runningPlan;
  }

  public String runningPlan() {
    return runningPlan;
  }
}
