package io.summit.dr.lab;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.util.List;

/**
 * Where each lab component listens. Region {@code i} (in file order) owns the ports {@code base +
 * 100 i ...}: stores at +10 (postgres), +11 (redis), +12 (neo4j), +13 (objects); its gateway router
 * at +20, its failure observer at +30, its service cluster at +40 and the cluster's service
 * instances at +50 to +59. The edge location owns {@code base + 900 ...}: the edge router at +20
 * (admin API +21), the orchestrator at +10, the WAN links' admin API at +50. A WAN link port, by
 * which region {@code s} reaches component offset {@code o} of region {@code d}, is {@code base +
 * 1000 (1 + s) + 100 d + o}.
 */
public record LabLayout(String host, int base, List<String> regions) {
  public static LabLayout of(Topology topology) {
    List<String> serving =
        topology.regions().stream()
            .filter(r -> r.role() != RegionRole.WITNESS)
            .map(Region::name)
            .toList();
    return new LabLayout(topology.lab().host(), topology.lab().basePort(), serving);
  }

  public int index(String region) {
    int i = regions.indexOf(region);
    if (i < 0) {
      throw new IllegalArgumentException(
          "region: '" + region + "' (expected: one of " + String.join(", ", regions) + ")");
    }
    return i;
  }

  static int offset(StoreKind kind) {
    return switch (kind) {
      case POSTGRES -> 10;
      case REDIS -> 11;
      case NEO4J -> 12;
      case OBJECTS -> 13;
    };
  }

  /** The store's own address in its region. */
  public Endpoint store(StoreKind kind, String region) {
    return new Endpoint(host, base + 100 * index(region) + offset(kind));
  }

  /** The address by which {@code from} reaches {@code kind} in {@code to}, through the WAN. */
  public Endpoint wan(String from, String to, StoreKind kind) {
    return new Endpoint(host, base + 1000 * (1 + index(from)) + 100 * index(to) + offset(kind));
  }

  /** The orchestrator's API, at the edge. */
  public Endpoint orchestrator() {
    return new Endpoint(host, base + 910);
  }

  /** The failure observer of {@code region}. */
  public Endpoint observer(String region) {
    return new Endpoint(host, base + 100 * index(region) + 30);
  }

  /** The edge router's proxy port: the global entry point users (and the canary) call. */
  public Endpoint edgeRouter() {
    return new Endpoint(host, base + 920);
  }

  /** The edge router's admin API. */
  public Endpoint edgeRouterAdmin() {
    return new Endpoint(host, base + 921);
  }

  /** The service cluster of {@code region} (the stand-in for its Kubernetes cluster). */
  public Endpoint cluster(String region) {
    return new Endpoint(host, base + 100 * index(region) + 40);
  }

  /** The ports the service instances of {@code region} may take, {@link #MAX_INSTANCES} of them. */
  public List<Endpoint> instanceSlots(String region) {
    int first = base + 100 * index(region) + 50;
    return java.util.stream.IntStream.range(0, MAX_INSTANCES)
        .mapToObj(i -> new Endpoint(host, first + i))
        .toList();
  }

  /** The most service instances a lab region runs (its autoscaling maximum is capped to this). */
  public static final int MAX_INSTANCES = 10;

  /** The WAN links' admin API. */
  public Endpoint wanAdmin() {
    return new Endpoint(host, base + 950);
  }

  /** The store a WAN address leads to; any other address unchanged. */
  public Endpoint direct(Endpoint address) {
    for (StoreKind kind : StoreKind.values()) {
      for (String to : regions) {
        for (String from : regions) {
          if (!from.equals(to) && wan(from, to, kind).equals(address)) {
            return store(kind, to);
          }
        }
      }
    }
    return address;
  }
}
