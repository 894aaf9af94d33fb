package io.summit.dr.drill.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The faults a lab can inject, and their possible targets: the lab's regions, locations and
 * component names. Built from the lab's state, so the same lab configuration gives the same set
 * (and a seed the same schedules). Zone faults exist only in a lab whose stores have zones; the
 * other kinds, and so a seed's schedules, are the same with or without them.
 *
 * @param stores store components ({@code postgres-us-west-2}, {@code redis-us-east-1}, ...)
 * @param etcd etcd members ({@code etcd-witness}, ...)
 * @param agents region agents ({@code agent-us-west-2}, ...)
 * @param orchestrators whether orchestrator replicas run (then the leader can be killed)
 * @param zones by region, the two zones its multi-AZ stores have nodes in (empty: no zone faults)
 */
public record FaultSet(
    List<String> regions,
    List<String> locations,
    List<String> stores,
    List<String> etcd,
    List<String> agents,
    boolean orchestrators,
    Map<String, List<String>> zones) {

  /** The kinds of fault, by wire name. */
  public enum Kind {
    KILL_REGION("kill-region"),
    KILL_STORE("kill-store"),
    KILL_ORCHESTRATOR_LEADER("kill-orchestrator-leader"),
    KILL_ETCD("kill-etcd"),
    KILL_AGENT("kill-agent"),
    PARTITION("partition"),
    ISOLATE("isolate"),
    SLOW_LINK("slow-link"),
    KILL_ZONE("kill-zone"),
    PARTITION_ZONES("partition-zones");

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
    Map<String, List<String>> z = new java.util.TreeMap<>();
    zones.forEach((region, two) -> z.put(region, List.copyOf(two)));
    zones = java.util.Collections.unmodifiableMap(z);
    for (Map.Entry<String, List<String>> e : zones.entrySet()) {
      if (!regions.contains(e.getKey()) || e.getValue().size() != 2) {
        throw new IllegalArgumentException(
            "fault set: zones of "
                + e.getKey()
                + ": "
                + e.getValue()
                + " (expected: two zones of one of the regions "
                + regions
                + ")");
      }
    }
    if (regions.size() < 2 || locations.size() < 2) {
      throw new IllegalArgumentException(
          "fault set: regions " + regions + ", locations " + locations + " (expected: >= 2 each)");
    }
  }

  /** A fault set without zones. */
  public FaultSet(
      List<String> regions,
      List<String> locations,
      List<String> stores,
      List<String> etcd,
      List<String> agents,
      boolean orchestrators) {
    this(regions, locations, stores, etcd, agents, orchestrators, Map.of());
  }

  /** Every zone, region by region. */
  public List<String> allZones() {
    return zones.values().stream().flatMap(List::stream).toList();
  }

  /** The region of {@code zone}; empty when it is none of this set's zones. */
  public java.util.Optional<String> regionOfZone(String zone) {
    return zones.entrySet().stream()
        .filter(e -> e.getValue().contains(zone))
        .map(Map.Entry::getKey)
        .findFirst();
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
    if (!zones.isEmpty()) {
      out.add(Kind.KILL_ZONE);
      out.add(Kind.PARTITION_ZONES);
    }
    return out;
  }
}
