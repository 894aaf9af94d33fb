package io.summit.dr.topology;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One step of the failover plan. Consecutive steps with the same {@link #parallelGroup()} run at
 * the same time; a step with {@link #approval()} waits for {@code summit-dr approve PLAN_ID} before
 * it starts. A store-scoped action with no {@link #stores()} acts on every store.
 */
public record PlanStep(
    @Doc("Step name, unique in the plan.") String name,
    @Doc("What the step does.") StepAction action,
    @Doc("Steps sharing a group name, next to each other, run in parallel.")
        @Nullable String parallelGroup,
    @Doc("Wait for an operator's approval before the step starts.") @Default("false")
        boolean approval,
    @Doc("Most time one attempt of the step may take.") @Default("10s") Duration timeout,
    @Doc("Attempts after the first one fails.") @Default("2") int retries,
    @Doc("Stores a store-scoped step acts on; empty means all.") @Default("[]")
        List<String> stores) {

  public PlanStep {
    stores = List.copyOf(stores);
    Violations v = new Violations();
    v.notBlank("name", name);
    v.positive("timeout", timeout);
    v.between("retries", retries, 0, 100);
    v.uniqueValues("stores", stores);
    v.check(
        stores.isEmpty() || action.scope() == StepAction.Scope.STORE,
        "stores",
        "given for "
            + action.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
            + ", which acts on a region",
        "stores only on fence, check-rpo and promote");
    v.throwIfAny();
  }

  public static PlanStep of(String name, StepAction action) {
    return new PlanStep(name, action, null, false, Duration.ofSeconds(10), 2, List.of());
  }
}
