package io.summit.dr.lab.wan;

import io.summit.dr.replication.Endpoint;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the WAN daemon serves: its admin port, the default one-way latency and jitter, the lab's
 * locations (one link per pair of them), how to tell a connecting process's location, the routes,
 * each a listening port forwarding to an address in location {@code to}, the zone links (a link
 * between two zones of one region, with its own latency) and the region endpoints (a listening port
 * forwarding to whichever of its targets the region's control chose). Written by the lab as {@code
 * wan.json} in the lab directory; a file without {@code zoneLinks} or {@code endpoints} has none. A
 * zone link that joins a location or repeats a pair, or two endpoints of one name, are refused with
 * an {@link IllegalArgumentException} naming the field.
 */
public record WanSpec(
    String host,
    int adminPort,
    long latencyMillis,
    long jitterMillis,
    List<String> locations,
    List<Source> sources,
    List<Route> routes,
    List<ZoneLink> zoneLinks,
    List<RegionEndpoint> endpoints) {

  /** The {@code from} of a route that carries each connection over its opener's own link. */
  public static final String BY_SOURCE = "*";

  public WanSpec {
    locations = List.copyOf(locations);
    sources = List.copyOf(sources);
    routes = List.copyOf(routes);
    // absent from a wan.json written before zones existed
    zoneLinks = zoneLinks == null ? List.of() : List.copyOf(zoneLinks);
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    checkZoneLinks(locations, zoneLinks);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < endpoints.size(); i++) {
      String name = endpoints.get(i).name();
      if (!names.add(name)) {
        throw new IllegalArgumentException(
            "endpoints[" + i + "].name: duplicate '" + name + "' (expected: unique names)");
      }
    }
  }

  /** A spec without zone links or region endpoints. */
  public WanSpec(
      String host,
      int adminPort,
      long latencyMillis,
      long jitterMillis,
      List<String> locations,
      List<Source> sources,
      List<Route> routes) {
    this(
        host,
        adminPort,
        latencyMillis,
        jitterMillis,
        locations,
        sources,
        routes,
        List.of(),
        List.of());
  }

  private static void checkZoneLinks(List<String> locations, List<ZoneLink> zoneLinks) {
    Set<String> pairs = new HashSet<>();
    for (int i = 0; i < zoneLinks.size(); i++) {
      ZoneLink z = zoneLinks.get(i);
      for (String zone : List.of(z.a(), z.b())) {
        if (locations.contains(zone)) {
          throw new IllegalArgumentException(
              "zoneLinks["
                  + i
                  + "]: '"
                  + zone
                  + "' is a location (expected: zone names, none of "
                  + locations
                  + ")");
        }
      }
      if (!pairs.add(WanDaemon.key(z.a(), z.b()))) {
        throw new IllegalArgumentException(
            "zoneLinks["
                + i
                + "]: a second link between '"
                + z.a()
                + "' and '"
                + z.b()
                + "' (expected: one link per pair of zones)");
      }
    }
  }

  /**
   * A process whose command line holds {@code argument} (one whole argument, e.g. {@code
   * --name=etcd-us-west-2}) runs in {@code location}.
   */
  public record Source(String location, String argument) {}

  /**
   * One forwarded port. {@code from} is the location of the processes that use it, or {@link
   * #BY_SOURCE}: then the daemon finds the process at the other end of each connection among the
   * {@link #sources} and uses that process's link to {@code to}, refusing a connection it cannot
   * place. A route whose {@code from} and {@code to} are two zones crosses their {@link ZoneLink}.
   */
  public record Route(
      String from, String to, String name, int listenPort, String targetHost, int targetPort) {}

  /**
   * The link between two zones of one region (e.g. {@code us-west-2a} and {@code us-west-2b}), with
   * its own one-way latency and no jitter; cut, restored and slowed as any link, and healed back to
   * {@code latencyMillis}. Zones are not {@link #locations}: a zone has no link to anything else.
   */
  public record ZoneLink(String a, String b, long latencyMillis) {
    public ZoneLink {
      if (a.equals(b)) {
        throw new IllegalArgumentException(
            "zoneLinks: '" + a + "' to itself (expected: two different zones)");
      }
      if (latencyMillis < 0 || latencyMillis > 60_000) {
        throw new IllegalArgumentException(
            "zoneLinks["
                + a
                + "|"
                + b
                + "].latencyMillis: "
                + latencyMillis
                + " (expected: 0..60000)");
      }
    }
  }

  /**
   * The lab's stand-in for a DNS name the region's control points at one zone's node (an RDS
   * endpoint): the daemon listens on {@code host:listenPort} and relays each connection, without
   * delay, to the current target, at first {@code targets[0]}. Moving it to another of {@code
   * targets} closes the connections relayed to the one before.
   *
   * <p>The name must be a path segment ({@code PUT /v1/endpoints/{name}}); the targets are {@code
   * host:port}, at least one, distinct. Otherwise an {@link IllegalArgumentException} names the
   * field.
   */
  public record RegionEndpoint(String name, String host, int listenPort, List<String> targets) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public RegionEndpoint {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "endpoints.name: '" + name + "' (expected: letters, digits, '.', '_' or '-')");
      }
      if (targets == null || targets.isEmpty()) {
        throw new IllegalArgumentException(
            "endpoints[" + name + "].targets: none (expected: at least one host:port)");
      }
      targets = List.copyOf(targets);
      Set<Endpoint> seen = new HashSet<>();
      for (String t : targets) {
        Endpoint e;
        try {
          e = Endpoint.parse(t);
        } catch (IllegalArgumentException bad) {
          throw new IllegalArgumentException(
              "endpoints[" + name + "].targets: '" + t + "' (expected: host:port)", bad);
        }
        if (!seen.add(e)) {
          throw new IllegalArgumentException(
              "endpoints[" + name + "].targets: '" + t + "' twice (expected: distinct targets)");
        }
      }
    }

    /** The targets as addresses, in order. */
    List<Endpoint> addresses() {
      return targets.stream().map(Endpoint::parse).toList();
    }
  }
}
