package io.summit.dr.topology;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One concrete action of a failover plan laid onto a topology: a {@link PlanStep} acting on one
 * region, or on one store in one region. {@link #order()} counts from 1; steps sharing a {@link
 * #group()} run in parallel.
 */
public record PlannedStep(
    int order,
    String name,
    StepAction action,
    @Nullable String group,
    boolean approval,
    String region,
    @Nullable String store,
    @Nullable StoreKind storeKind,
    Duration timeout,
    int retries) {

  /** {@code promote/postgres} for a store step, {@code route-writes} for a region step. */
  public String id() {
    return store == null ? name : name + "/" + store;
  }
}
