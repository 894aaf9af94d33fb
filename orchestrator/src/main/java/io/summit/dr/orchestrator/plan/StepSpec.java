package io.summit.dr.orchestrator.plan;

import io.summit.dr.topology.PlannedStep;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One step of a plan as the runner executes it: what, on which region and store, in which parallel
 * group, behind which approval gate, with what timeout and retries.
 */
public record StepSpec(
    String id,
    Action action,
    String region,
    @Nullable String store,
    @Nullable String group,
    boolean approval,
    Duration timeout,
    int retries) {

  public static StepSpec of(PlannedStep s) {
    return new StepSpec(
        s.id(),
        Action.of(s.action()),
        s.region(),
        s.store(),
        s.group(),
        s.approval(),
        s.timeout(),
        s.retries());
  }

  public static StepSpec of(
      Action action, String region, @Nullable String store, Duration timeout) {
    String id = store == null ? action.wireName() : action.wireName() + "/" + store;
    return new StepSpec(id, action, region, store, null, false, timeout, 2);
  }
}
