package io.summit.dr.orchestrator.plan;

/**
 * Carries out one attempt of one step. Implementations observe before they act and return {@link
 * StepResult.AlreadyDone} when the target state holds, so a retried or resumed step never acts
 * twice; an exception counts as {@link StepResult.Retry}.
 */
@FunctionalInterface
public interface StepExecutor {
  StepResult execute(Plan plan, StepSpec step);
}
