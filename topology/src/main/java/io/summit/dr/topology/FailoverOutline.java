package io.summit.dr.topology;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Lays the topology's failover plan onto a concrete failure: which region, which store, in what
 * order. Pure: it reads the topology and touches nothing, so {@code summit-dr plan} and the
 * orchestrator show and run the same steps.
 */
public final class FailoverOutline {
  private FailoverOutline() {}

  /** The plan for the primary region failing over to the first secondary. */
  public static List<PlannedStep> ofDefault(Topology topology) {
    return of(topology, topology.primary().name(), topology.secondaries().get(0).name());
  }

  /**
   * The plan for {@code failed} failing over to {@code target}.
   *
   * @throws IllegalArgumentException naming the argument when a region is unknown, a witness, or
   *     both are the same
   */
  public static List<PlannedStep> of(Topology topology, String failed, String target) {
    checkRegion(topology, "from", failed);
    checkRegion(topology, "to", target);
    if (failed.equals(target)) {
      throw new IllegalArgumentException(
          "to: '" + target + "' is the failed region (expected: another region)");
    }
    // Every store replicated between the two regions, whichever the topology calls primary: after
    // a failover the roles are swapped, and failing back over must still fence and promote.
    List<Store> moving =
        topology.stores().stream().filter(s -> involves(s, failed) && involves(s, target)).toList();
    List<PlannedStep> out = new ArrayList<>();
    for (PlanStep step : topology.failover().steps()) {
      if (step.action().scope() == StepAction.Scope.REGION) {
        String region = step.action() == StepAction.STOP_WRITES ? failed : target;
        out.add(planned(out.size() + 1, step, region, null));
        continue;
      }
      String region = step.action() == StepAction.FENCE ? failed : target;
      for (Store store : moving) {
        if (step.stores().isEmpty() || step.stores().contains(store.name())) {
          out.add(planned(out.size() + 1, step, region, store));
        }
      }
    }
    return List.copyOf(out);
  }

  private static boolean involves(Store s, String region) {
    return s.primaryRegion().equals(region) || s.replicaRegions().contains(region);
  }

  private static PlannedStep planned(
      int order, PlanStep step, String region, @Nullable Store store) {
    return new PlannedStep(
        order,
        step.name(),
        step.action(),
        step.parallelGroup(),
        step.approval(),
        region,
        store == null ? null : store.name(),
        store == null ? null : store.kind(),
        step.timeout(),
        step.retries());
  }

  private static void checkRegion(Topology topology, String argument, String region) {
    Region r =
        topology
            .region(region)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        argument
                            + ": '"
                            + region
                            + "' is not a region of the topology (expected: one of "
                            + String.join(
                                ", ", topology.regions().stream().map(Region::name).toList())
                            + ")"));
    if (r.role() == RegionRole.WITNESS) {
      throw new IllegalArgumentException(
          argument + ": '" + region + "' is a witness (expected: a primary or secondary region)");
    }
  }
}
