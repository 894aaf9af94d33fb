package io.summit.dr.orchestrator;

import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.orchestrator.plan.StepSpec;
import io.summit.dr.topology.FailoverOutline;
import io.summit.dr.topology.PlannedStep;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of each kind of plan, laid onto the topology. Public so that other environments (the
 * AWS runbook) show and authorise exactly the steps the orchestrator runs.
 */
public final class PlanFactory {
  private final Topology topology;

  public PlanFactory(Topology topology) {
    this.topology = topology;
  }

  /** The topology's failover plan, {@code from} failing over to {@code to}. */
  public List<StepSpec> failover(String from, String to) {
    List<StepSpec> out = new ArrayList<>();
    for (PlannedStep s : FailoverOutline.of(topology, from, to)) {
      out.add(
          new StepSpec(
              s.id(),
              io.summit.dr.orchestrator.plan.Action.valueOf(s.action().name()),
              s.region(),
              s.store(),
              s.group(),
              s.approval(),
              s.timeout(),
              s.retries()));
    }
    return out;
  }

  /**
   * A planned switchover: stop writes, fence the old primary, wait until each replica has replayed
   * everything, promote, publish, route writes, and rejoin the old primary as a replica. No
   * acknowledged write is lost: nothing is accepted after the fence, and nothing is promoted before
   * it has everything.
   */
  public List<StepSpec> switchover(String from, String to) {
    List<StepSpec> out = new ArrayList<>();
    Duration quick = Duration.ofSeconds(5);
    // Capacity first, while writes still flow: the pause that follows is only the data's.
    out.add(StepSpec.of(Action.SCALE_UP, to, null, Duration.ofSeconds(30)));
    out.add(StepSpec.of(Action.STOP_WRITES, from, null, quick));
    // The stores are independent: each group's steps run in parallel (the write pause is the
    // slowest store's, not their sum), and a group starts only once the one before has ended.
    for (Store s : moving(from, to)) {
      out.add(grouped(StepSpec.of(Action.FENCE, from, s.name(), quick), "fence"));
    }
    for (Store s : moving(from, to)) {
      out.add(
          grouped(StepSpec.of(Action.CATCH_UP, to, s.name(), Duration.ofSeconds(30)), "catch-up"));
    }
    for (Store s : moving(from, to)) {
      out.add(
          grouped(StepSpec.of(Action.PROMOTE, to, s.name(), Duration.ofSeconds(30)), "promote"));
    }
    out.add(StepSpec.of(Action.PUBLISH_ENDPOINTS, to, null, quick));
    out.add(StepSpec.of(Action.ROUTE_WRITES, to, null, quick));
    // The old primaries rejoin in parallel too: a rewind of PostgreSQL no longer holds up the
    // Redis replica that the new Redis primary waits for before it takes writes again.
    for (Store s : moving(from, to)) {
      out.add(
          grouped(StepSpec.of(Action.REJOIN, from, s.name(), Duration.ofSeconds(120)), "rejoin"));
    }
    return out;
  }

  /**
   * Failback to {@code home} once it is back: its stores rejoin as replicas of the current writer
   * region ({@code from}) first, then a switchover returns the writer home, and {@code from}'s
   * service goes back to its own size.
   */
  public List<StepSpec> failback(String from, String home) {
    List<StepSpec> out = new ArrayList<>();
    for (Store s : moving(home, from)) {
      StepSpec r = StepSpec.of(Action.REJOIN, home, s.name(), Duration.ofSeconds(120));
      out.add(
          new StepSpec(
              "rejoin-home/" + s.name(),
              r.action(),
              home,
              s.name(),
              "rejoin-home",
              false,
              r.timeout(),
              r.retries()));
    }
    out.addAll(switchover(from, home));
    out.add(StepSpec.of(Action.RESTORE_SCALE, from, null, Duration.ofSeconds(10)));
    return out;
  }

  private static StepSpec grouped(StepSpec s, String group) {
    return new StepSpec(
        s.id(), s.action(), s.region(), s.store(), group, false, s.timeout(), s.retries());
  }

  /** Stores replicated between the two regions (either direction: roles move with failovers). */
  private List<Store> moving(String a, String b) {
    return topology.stores().stream().filter(s -> involves(s, a) && involves(s, b)).toList();
  }

  private static boolean involves(Store s, String region) {
    return s.primaryRegion().equals(region) || s.replicaRegions().contains(region);
  }
}
