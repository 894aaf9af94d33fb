package io.summit.dr.agent.zones;

import io.summit.dr.topology.HealthPolicy;
import io.summit.dr.topology.MultiAz;
import io.summit.dr.topology.StandbyLoss;
import io.summit.dr.topology.StandbyMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one zone failover watches and how.
 *
 * @param store the store's id in messages, e.g. {@code postgres@us-west-2}
 * @param first the node in the region's first zone: the writer node at start
 * @param second the node in the second zone: the standby at start
 * @param standby how the standby follows the writer (synchronous: a failover needs it in sync)
 * @param onStandbyLoss what the writer does when its standby is lost
 * @param probeInterval time between two probe rounds
 * @param probeTimeout time a probe may take before it counts as failed
 * @param failureThreshold consecutive failed probes that mark a node lost
 * @param rejoinAfter how long a standby may answer without streaming before it is rejoined
 */
public record ZoneSettings(
    String store,
    ZoneNode first,
    ZoneNode second,
    StandbyMode standby,
    StandbyLoss onStandbyLoss,
    Duration probeInterval,
    Duration probeTimeout,
    int failureThreshold,
    Duration rejoinAfter) {
  /** The default of {@code rejoinAfter}. */
  public static final Duration DEFAULT_REJOIN_AFTER = Duration.ofSeconds(3);

  /**
   * @throws IllegalArgumentException naming every field that breaks a rule, with what was expected
   */
  public ZoneSettings {
    List<String> problems = new ArrayList<>();
    if (store.isBlank()) {
      problems.add("store: empty (expected: a store id)");
    }
    if (first.zone().equals(second.zone())) {
      problems.add("second.zone: '" + second.zone() + "' (expected: another zone than first's)");
    }
    if (first.address().equals(second.address())) {
      problems.add(
          "second.address: " + second.address() + " (expected: another address than first's)");
    }
    positive(problems, "probeInterval", probeInterval);
    positive(problems, "probeTimeout", probeTimeout);
    positive(problems, "rejoinAfter", rejoinAfter);
    if (failureThreshold < 1) {
      problems.add("failureThreshold: " + failureThreshold + " (expected: >= 1)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * The settings of {@code store} in {@code region}: standby mode and loss policy from {@code
   * multiAz}, probe timeout and failure threshold from {@code health}, {@code rejoinAfter} 3 s.
   * {@code nodes} must be the region's two zones' nodes, in any order.
   *
   * @throws IllegalArgumentException when {@code nodes} are not one node in each of the region's
   *     zones
   */
  public static ZoneSettings of(
      String store,
      String region,
      MultiAz multiAz,
      HealthPolicy health,
      Duration probeInterval,
      List<ZoneNode> nodes) {
    ZoneNode first = node(nodes, multiAz.writerZone(region));
    ZoneNode second = node(nodes, multiAz.standbyZone(region));
    if (nodes.size() != 2) {
      throw new IllegalArgumentException(
          nodes.size()
              + " nodes (expected: one in each of the zones "
              + zones(multiAz, region)
              + ")");
    }
    return new ZoneSettings(
        store,
        first,
        second,
        multiAz.standby(),
        multiAz.onStandbyLoss(),
        probeInterval,
        health.timeout(),
        health.failureThreshold(),
        DEFAULT_REJOIN_AFTER);
  }

  private static ZoneNode node(List<ZoneNode> nodes, String zone) {
    return nodes.stream()
        .filter(n -> n.zone().equals(zone))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no node in zone '"
                        + zone
                        + "' (expected: one node in each of the region's zones, got "
                        + nodes.stream().map(ZoneNode::zone).toList()
                        + ")"));
  }

  private static List<String> zones(MultiAz multiAz, String region) {
    return List.of(multiAz.writerZone(region), multiAz.standbyZone(region));
  }

  private static void positive(List<String> problems, String field, Duration value) {
    if (value.isNegative() || value.isZero()) {
      problems.add(field + ": " + value.toMillis() + "ms (expected: > 0)");
    }
  }
}
