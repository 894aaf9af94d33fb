package io.summit.dr.topology;

import java.util.List;
import java.util.Map;

/**
 * A store's nodes inside its regions, one per availability zone: in each region the store has a
 * node in, the writer node (or, in a replica region, the cross-region replica) lives in the first
 * zone listed and an in-region standby in the second. A zone's loss is then handled inside the
 * region, by promoting the standby, not by a regional failover. On AWS the same fields mean RDS
 * Multi-AZ and ElastiCache Multi-AZ.
 */
public record MultiAz(
    @Doc(
            "How the standby follows the writer node: synchronous (a commit waits for it, as RDS"
                + " Multi-AZ) or asynchronous.")
        @Default("synchronous")
        StandbyMode standby,
    @Doc(
            "When the standby is lost while the writer node lives: wait (strict: commits wait"
                + " until a standby is back) or keep-writing (relaxable). An alert either way.")
        @Default("wait")
        StandbyLoss onStandbyLoss,
    @Doc(
            "Region name to its two zones: the writer node's (or the cross-region replica's)"
                + " first, the standby's second.")
        Map<String, List<String>> zones) {

  public MultiAz {
    zones = Map.copyOf(zones);
    Violations v = new Violations();
    for (Map.Entry<String, List<String>> e : new java.util.TreeMap<>(zones).entrySet()) {
      List<String> placed = e.getValue();
      String path = "zones." + e.getKey();
      v.check(
          placed.size() == 2,
          path,
          placed.size() + " zone(s) " + placed,
          "two zones: the writer node's, then the standby's");
      v.check(
          placed.size() != 2 || !placed.get(0).equals(placed.get(1)),
          path,
          "the standby shares zone '" + placed.get(0) + "' with the writer node",
          "two different zones (a standby in the writer's zone fails with it)");
    }
    v.throwIfAny();
  }

  /** The zone of the writer node (or cross-region replica) in {@code region}. */
  public String writerZone(String region) {
    return java.util.Objects.requireNonNull(zones.get(region), region).get(0);
  }

  /** The zone of the in-region standby in {@code region}. */
  public String standbyZone(String region) {
    return java.util.Objects.requireNonNull(zones.get(region), region).get(1);
  }
}
