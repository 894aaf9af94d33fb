package io.summit.dr.agent;

import io.summit.dr.agent.zones.ZoneNode;
import io.summit.dr.agent.zones.ZoneSettings;
import io.summit.dr.topology.MultiAz;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.Topology;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The agent's zone failover flags ({@code --zone-node}, {@code --zone-endpoint}): their syntax, and
 * their check against the topology. Every problem names the flag.
 */
final class ZoneFlags {
  static final String ZONE_NODE = "postgres|redis=ZONE,HOST:PORT,PEER_HOST:PORT";

  private ZoneFlags() {}

  /**
   * The zone failovers {@code o} asks for by store kind, checked against {@code topology}: for each
   * kind of {@code --zone-node} (postgres), the region's store of that kind must have {@code
   * multi_az} zones for the region, and the flags one node in each of them.
   *
   * @throws IllegalArgumentException naming {@code --zone-node} and what was expected
   */
  static Map<String, ZoneSettings> settings(AgentMain.Options o, Topology topology) {
    Map<String, ZoneSettings> out = new LinkedHashMap<>();
    o.zoneNodes().forEach((kind, nodes) -> out.put(kind, settings(o, topology, kind, nodes)));
    return out;
  }

  private static ZoneSettings settings(
      AgentMain.Options o, Topology topology, String kind, List<ZoneNode> nodes) {
    String region = o.region();
    Store store = zoneStore(kind, region, topology);
    MultiAz multiAz = Objects.requireNonNull(store.multiAz());
    List<String> zones = List.of(multiAz.writerZone(region), multiAz.standbyZone(region));
    String expected =
        "one node in each zone of store '"
            + store.name()
            + "' in "
            + region
            + ": "
            + String.join(", ", zones);
    for (ZoneNode n : nodes) {
      if (!zones.contains(n.zone())) {
        throw new IllegalArgumentException(
            "--zone-node: zone '" + n.zone() + "' (expected: " + expected + ")");
      }
    }
    for (String zone : zones) {
      if (nodes.stream().noneMatch(n -> n.zone().equals(zone))) {
        throw new IllegalArgumentException(
            "--zone-node: no node in zone '" + zone + "' (expected: " + expected + ")");
      }
    }
    try {
      return ZoneSettings.of(
          kind + "@" + region, region, multiAz, topology.health(), o.zoneProbeInterval(), nodes);
    } catch (IllegalArgumentException e) { // e.g. both zones' nodes at one address
      throw new IllegalArgumentException("--zone-node: " + e.getMessage(), e);
    }
  }

  private static Store zoneStore(String kind, String region, Topology topology) {
    Store store =
        topology.stores().stream()
            .filter(s -> s.kind().name().equalsIgnoreCase(kind) && s.involves(region))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--zone-node: "
                            + kind
                            + " (expected: a store of kind "
                            + kind
                            + " in "
                            + region
                            + " in the topology)"));
    MultiAz multiAz = store.multiAz();
    if (multiAz == null || !multiAz.zones().containsKey(region)) {
      throw new IllegalArgumentException(
          "--zone-node: store '"
              + store.name()
              + "' has no multi_az zones for "
              + region
              + " (expected: no --zone-node, or a topology with multi_az zones for "
              + region
              + ")");
    }
    return store;
  }

  static void node(String value, Map<String, List<ZoneNode>> zoneNodes) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "--zone-node: '" + value + "' (expected: " + ZONE_NODE + ")");
    }
    String kind = kind("--zone-node", value.substring(0, eq));
    ZoneNode node;
    try {
      node = ZoneNode.parse(value.substring(eq + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--zone-node: " + e.getMessage(), e);
    }
    List<ZoneNode> nodes = zoneNodes.computeIfAbsent(kind, k -> new ArrayList<>());
    if (nodes.stream().anyMatch(n -> n.zone().equals(node.zone()))) {
      throw new IllegalArgumentException(
          "--zone-node: zone '" + node.zone() + "' given twice (expected: one node per zone)");
    }
    nodes.add(node);
  }

  static void endpoint(String value, Map<String, URI> zoneEndpoints) {
    endpoint("--zone-endpoint", value, zoneEndpoints);
  }

  /**
   * {@code --zone-source-endpoint}: the region's replication source, as {@code --zone-endpoint}.
   */
  static void sourceEndpoint(String value, Map<String, URI> zoneEndpoints) {
    int eq = value.indexOf('=');
    if (eq > 0 && value.substring(0, eq).equalsIgnoreCase("redis")) {
      throw new IllegalArgumentException(
          "--zone-source-endpoint: kind 'redis' (expected: postgres: the other regions' Redis"
              + " replicas follow the region endpoint)");
    }
    endpoint("--zone-source-endpoint", value, zoneEndpoints);
  }

  private static void endpoint(String flag, String value, Map<String, URI> zoneEndpoints) {
    int eq = value.indexOf('=');
    String expected = "postgres=http://HOST:PORT/v1/endpoints/NAME";
    if (eq <= 0) {
      throw new IllegalArgumentException(flag + ": '" + value + "' (expected: " + expected + ")");
    }
    String kind = kind(flag, value.substring(0, eq));
    URI url;
    try {
      url = URI.create(value.substring(eq + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          flag + ": '" + value + "' (expected: " + expected + ")", e);
    }
    if (!List.of("http", "https").contains(String.valueOf(url.getScheme()))
        || url.getHost() == null) {
      throw new IllegalArgumentException(flag + ": '" + value + "' (expected: " + expected + ")");
    }
    if (zoneEndpoints.put(kind, url) != null) {
      throw new IllegalArgumentException(
          flag + ": '" + kind + "' given twice (expected: one endpoint per store)");
    }
  }

  private static String kind(String flag, String kind) {
    String k = kind.toLowerCase(java.util.Locale.ROOT);
    if (!k.equals("postgres") && !k.equals("redis")) {
      throw new IllegalArgumentException(
          flag + ": kind '" + kind + "' (expected: postgres or redis)");
    }
    return k;
  }

  /** {@code --zone-node} and {@code --zone-endpoint} go together, and only with flagged stores. */
  static void together(
      Map<String, List<ZoneNode>> zoneNodes,
      Map<String, URI> zoneEndpoints,
      boolean storesFlagged) {
    if (!storesFlagged && !(zoneNodes.isEmpty() && zoneEndpoints.isEmpty())) {
      throw new IllegalArgumentException(
          (zoneNodes.isEmpty() ? "--zone-endpoint" : "--zone-node")
              + ": not taken here (expected: the deployment's own Multi-AZ failover)");
    }
    for (String kind : zoneNodes.keySet()) {
      if (!zoneEndpoints.containsKey(kind)) {
        throw new IllegalArgumentException(
            "--zone-endpoint: required with --zone-node "
                + kind
                + " (expected: "
                + kind
                + "=URL of the region endpoint)");
      }
    }
    for (String kind : zoneEndpoints.keySet()) {
      if (!zoneNodes.containsKey(kind)) {
        throw new IllegalArgumentException(
            "--zone-node: required with --zone-endpoint "
                + kind
                + " (expected: one per zone, "
                + kind
                + "=ZONE,HOST:PORT,PEER_HOST:PORT)");
      }
    }
  }
}
