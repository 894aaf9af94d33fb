package io.summit.dr.router;

import io.summit.dr.routing.Endpoint;
import io.summit.dr.topology.HealthPolicy;
import io.summit.dr.topology.Region;
import io.summit.dr.topology.Residency;
import io.summit.dr.topology.RoutingPolicy;
import io.summit.dr.topology.Service;
import io.summit.dr.topology.Topology;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything a router needs to start. Build it with {@link #of} from a topology; the compact
 * constructor checks every field and cross-field rule and reports all problems in one {@link
 * IllegalArgumentException}, one {@code field: value (expected: ...)} per line.
 *
 * @param role edge or gateway
 * @param region the gateway's own region (reads stay there); null for the edge
 * @param service the service routed (health path, write rules)
 * @param regions the regions routed to, the primary first (ties in RTT go to the earlier)
 * @param zones each region's availability zones (from the topology; a region without an entry, or
 *     with an empty list, has none): an instance may be registered in one of its region's zones
 * @param writer the initial writer region (the topology's primary), or null for none
 * @param listen where the proxy listens (port 0: any free port)
 * @param admin where the admin API listens (port 0: any free port)
 * @param backends per region, the initial backends: a region's instances, or for a gateway the
 *     other regions' gateways. Regions without an entry start empty (see the admin API).
 * @param connectTimeout connecting to a backend; a failed connect is tried on another instance
 * @param responseTimeout from sending a request until the response starts (504 after)
 * @param upstreamIdleTimeout pooled connections idle this long are closed
 * @param ioThreads event-loop threads (0: Netty's default, twice the cores)
 * @param residency the data classes and the regions each may be served from
 */
public record RouterConfig(
    Role role,
    @Nullable String region,
    Service service,
    List<String> regions,
    Map<String, List<String>> zones,
    @Nullable String writer,
    RoutingPolicy routing,
    HealthPolicy health,
    InetSocketAddress listen,
    InetSocketAddress admin,
    Map<String, List<Endpoint>> backends,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration upstreamIdleTimeout,
    int ioThreads,
    Residency residency) {

  public RouterConfig {
    regions = List.copyOf(regions);
    Map<String, List<String>> zoneCopy = new LinkedHashMap<>();
    zones.forEach((k, v) -> zoneCopy.put(k, List.copyOf(v)));
    zones = java.util.Collections.unmodifiableMap(zoneCopy);
    Map<String, List<Endpoint>> copy = new LinkedHashMap<>();
    backends.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    backends = java.util.Collections.unmodifiableMap(copy);
    List<String> problems = new ArrayList<>();
    String expectedRegions = "one of " + String.join(", ", regions);
    if (role == Role.GATEWAY && region == null) {
      problems.add("region: missing (expected: the gateway's own region)");
    }
    if (role == Role.EDGE && region != null) {
      problems.add("region: '" + region + "' (expected: no region for role edge)");
    }
    if (region != null && !regions.contains(region)) {
      problems.add("region: '" + region + "' is not a region (expected: " + expectedRegions + ")");
    }
    if (writer != null && !regions.contains(writer)) {
      problems.add("writer: '" + writer + "' is not a region (expected: " + expectedRegions + ")");
    }
    for (Map.Entry<String, List<String>> e : zones.entrySet()) {
      if (!regions.contains(e.getKey())) {
        problems.add(
            "zones: '" + e.getKey() + "' is not a region (expected: " + expectedRegions + ")");
      }
      if (e.getValue().stream().distinct().count() != e.getValue().size()) {
        problems.add("zones." + e.getKey() + ": " + e.getValue() + " (expected: no duplicates)");
      }
    }
    for (Map.Entry<String, List<Endpoint>> e : backends.entrySet()) {
      if (!regions.contains(e.getKey())) {
        problems.add(
            "backends: '" + e.getKey() + "' is not a region (expected: " + expectedRegions + ")");
      }
      if (e.getValue().stream().distinct().count() != e.getValue().size()) {
        problems.add("backends." + e.getKey() + ": " + e.getValue() + " (expected: no duplicates)");
      }
    }
    positive(problems, "connectTimeout", connectTimeout);
    positive(problems, "responseTimeout", responseTimeout);
    positive(problems, "upstreamIdleTimeout", upstreamIdleTimeout);
    if (ioThreads < 0) {
      problems.add("ioThreads: " + ioThreads + " (expected: >= 0)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  private static void positive(List<String> problems, String field, Duration d) {
    if (d.isNegative() || d.isZero()) {
      problems.add(field + ": " + d + " (expected: > 0)");
    }
  }

  /**
   * A configuration from a topology: its primary and secondary regions (primary first) with their
   * zones, the primary as initial writer, its routing and health policy, and the named service.
   * Timeouts default to connect 1 s, response 30 s, idle 20 s; Netty's default thread count.
   *
   * @throws IllegalArgumentException naming the field, e.g. an unknown service or region
   */
  public static RouterConfig of(
      Topology topology,
      String serviceName,
      Role role,
      @Nullable String region,
      InetSocketAddress listen,
      InetSocketAddress admin,
      Map<String, List<Endpoint>> backends) {
    Service service =
        topology.services().stream()
            .filter(s -> s.name().equals(serviceName))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "service: '"
                            + serviceName
                            + "' is not a service of topology '"
                            + topology.name()
                            + "' (expected: one of "
                            + String.join(
                                ", ", topology.services().stream().map(Service::name).toList())
                            + ")"));
    List<String> regions = new ArrayList<>();
    regions.add(topology.primary().name());
    topology.secondaries().stream().map(Region::name).forEach(regions::add);
    Map<String, List<String>> zones = new LinkedHashMap<>();
    topology.regions().stream()
        .filter(r -> regions.contains(r.name()))
        .forEach(r -> zones.put(r.name(), r.zones()));
    return new RouterConfig(
        role,
        region,
        service,
        regions,
        zones,
        topology.primary().name(),
        topology.routing(),
        topology.health(),
        listen,
        admin,
        backends,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Duration.ofSeconds(20),
        0,
        topology.residency());
  }

  /** This configuration with other timeouts. */
  public RouterConfig withTimeouts(Duration connect, Duration response) {
    return new RouterConfig(
        role,
        region,
        service,
        regions,
        zones,
        writer,
        routing,
        health,
        listen,
        admin,
        backends,
        connect,
        response,
        upstreamIdleTimeout,
        ioThreads,
        residency);
  }

  /** This configuration with another number of event-loop threads (0: Netty's default). */
  public RouterConfig withIoThreads(int threads) {
    return new RouterConfig(
        role,
        region,
        service,
        regions,
        zones,
        writer,
        routing,
        health,
        listen,
        admin,
        backends,
        connectTimeout,
        responseTimeout,
        upstreamIdleTimeout,
        threads,
        residency);
  }
}
