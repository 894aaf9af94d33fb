package io.summit.dr.orchestrator.plan;

/**
 * Carries out one attempt of one step. Implementations observe before they act and return {@link
 * StepResult.AlreadyDone} when the target state holds, so a retried or resumed step never acts
 * twice; an exception counts as {@link StepResult.Retry}.
 */
@FunctionalInterface
public interface StepExecutor {
  StepResult execute(Plan plan, StepSpec step);

  /**
   * One attempt of a step whose journal entries may still be on their way: {@code journaled}
   * returns once every entry sent before the step (and its own start) is durable, or throws a
   * {@link JournalException}. An executor must call it before the step changes anything that a
   * rollback decision depends on (a promotion); it may first do what is safe to do early (the
   * promotion gate, which the writer record makes idempotent per plan). The default waits first.
   */
  default StepResult execute(Plan plan, StepSpec step, Runnable journaled) {
    journaled.run();
    return execute(plan, step);
  }
}
