package io.summit.dr.drill.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * The faults a lab can inject, and their possible targets: the lab's regions, locations and
 * component names. Built from the lab's state, so the same lab configuration gives the same set
 * (and a seed the same schedules). Zones do not exist in the lab yet: no zone fault.
 *
 * @param stores store components ({@code postgres-us-west-2}, {@code redis-us-east-1}, ...)
 * @param etcd etcd members ({@code etcd-witness}, ...)
 * @param agents region agents ({@code agent-us-west-2}, ...)
 * @param orchestrators whether orchestrator replicas run (then the leader can be killed)
 */
public record FaultSet(
    List<String> regions,
    List<String> locations,
    List<String> stores,
    List<String> etcd,
    List<String> agents,
    boolean orchestrators) {

  /** The kinds of fault, by wire name. */
  public enum Kind {
    KILL_REGION("kill-region"),
    KILL_STORE("kill-store"),
    KILL_ORCHESTRATOR_LEADER("kill-orchestrator-leader"),
    KILL_ETCD("kill-etcd"),
    KILL_AGENT("kill-agent"),
    PARTITION("partition"),
    ISOLATE("isolate"),
    SLOW_LINK("slow-link");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wireName() {
      return wire;
    }
  }

  public FaultSet {
    regions = List.copyOf(regions);
    locations = List.copyOf(locations);
    stores = List.copyOf(stores);
    etcd = List.copyOf(etcd);
    agents = List.copyOf(agents);
    if (regions.size() < 2 || locations.size() < 2) {
      throw new IllegalArgumentException(
          "fault set: regions " + regions + ", locations " + locations + " (expected: >= 2 each)");
    }
  }

  /** The kinds this lab supports, in a fixed order. */
  public List<Kind> kinds() {
    List<Kind> out = new ArrayList<>();
    out.add(Kind.KILL_REGION);
    if (!stores.isEmpty()) {
      out.add(Kind.KILL_STORE);
    }
    if (orchestrators) {
      out.add(Kind.KILL_ORCHESTRATOR_LEADER);
    }
    if (!etcd.isEmpty()) {
      out.add(Kind.KILL_ETCD);
    }
    if (!agents.isEmpty()) {
      out.add(Kind.KILL_AGENT);
    }
    out.add(Kind.PARTITION);
    out.add(Kind.ISOLATE);
    out.add(Kind.SLOW_LINK);
    return out;
  }
}
