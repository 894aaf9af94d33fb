package io.summit.dr.lab;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.util.List;

/**
 * Where each lab component listens, and the lab's locations.
 *
 * <p>Locations: the serving regions (in file order), then {@link #WITNESS} (the third etcd member,
 * later an orchestrator replica), then {@link #EDGE} (users, the edge router, the WAN daemon).
 * Their <em>location index</em> is that order: region {@code i} is {@code i}, the witness {@code
 * n}, the edge {@code n + 1} for {@code n} regions.
 *
 * <p>Home ports: region {@code i} owns {@code base + 100 i ...}: stores at +10 (postgres), +11
 * (redis), +12 (neo4j's Bolt), +13 (objects), +15 (the neo4j server's admin API, always three ports
 * above its Bolt port, at home and through the WAN), +17 (the object store's HTTPS connector), +18
 * (the object replicator's admin API), a multi-AZ PostgreSQL store's zone nodes at +14 and +16 (the
 * store's +10 is then the region endpoint, a relay in the WAN daemon, and +19 its replication
 * source, another) and the zone links' ports to them at +24 and +26, a multi-AZ Redis store's zone
 * nodes at +31 and +33 (the store's +11 a region endpoint) and its zone links' ports at +35 and
 * +37; its gateway router at +20, its failure observer at +30, its service cluster at +40, the
 * cluster's service instances at +50 to +59, its etcd member's client port at +60 and peer port at
 * +61, an orchestrator replica at +70 (in the regions that run one), its region agent at +80. The
 * witness owns {@code base + 800 ...} (its etcd member at +60 and +61, its orchestrator replica at
 * +70). The edge owns {@code base + 900 ...}: the orchestrator at +10, the edge router at +20
 * (admin API +21), the WAN links' admin API at +50, Prometheus at +60, the lab's notification
 * receiver (the pager) at +70.
 *
 * <p>WAN ports: the port by which location {@code s} reaches the component at offset {@code o} of
 * location {@code d} is {@code base + 1000 (1 + s) + 100 d + o} (location indexes; for two regions
 * this is the formula of the region-to-region routes, unchanged). Routes exist from every location
 * to every other location's stores (+10, +11), observers (+30) and etcd client port (+60), and from
 * the edge to each region's service instances (+50 to +59): the edge router reaches the instances
 * through the edge's link to their region, so cutting that link cuts the users' traffic to it.
 *
 * <p>etcd peer ports: etcd has each member advertise one peer URL that every other member dials, so
 * a per-(from, to) port cannot be used for peer traffic. The member of location {@code d}
 * advertises the WAN port {@code base + 1000 (1 + d) + 100 d + 61} (the diagonal, unused by the
 * pair routes): the WAN daemon tells which member opened each connection to it (the process that
 * owns the connection's other end, found in {@code /proc}, carries {@code --name=etcd-LOCATION})
 * and carries the connection over that member's link to {@code d}. So cutting witness &lt;-&gt;
 * us-west-2 stops raft, lease forwarding and snapshots between exactly those two members.
 */
public record LabLayout(String host, int base, List<String> regions) {
  /** The location of users, the edge router and the WAN daemon. */
  public static final String EDGE = "edge";

  /** The third failure domain: the third etcd member, later an orchestrator replica. */
  public static final String WITNESS = "witness";

  private static final int ETCD_CLIENT = 60;
  private static final int ETCD_PEER = 61;
  private static final int OBSERVER = 30;
  private static final int ORCHESTRATOR = 70;
  private static final int AGENT = 80;
  static final int INSTANCES = 50;

  /** The edge router's admin API, in the edge's block: +21. */
  static final int EDGE_ROUTER_ADMIN = 21;

  /** The object store's second connector (its HTTPS one, which S3Mock always opens): +17. */
  private static final int OBJECTS_TLS = 17;

  /** The object replicator's admin API (status, metrics): +18. */
  static final int OBJECTS_REPLICATOR = 18;

  /** The Neo4j server's admin API: its Bolt port + 3 (see {@code Neo4jAdapter}). */
  static final int NEO4J_ADMIN = 15;

  public LabLayout {
    regions = List.copyOf(regions);
  }

  public static LabLayout of(Topology topology) {
    return new LabLayout(
        topology.lab().host(), topology.lab().basePort(), topology.servingRegions());
  }

  public int index(String region) {
    int i = regions.indexOf(region);
    if (i < 0) {
      throw new IllegalArgumentException(
          "region: '" + region + "' (expected: one of " + String.join(", ", regions) + ")");
    }
    return i;
  }

  /** Every location: the regions, the witness, the edge (the location index order). */
  public List<String> locations() {
    List<String> all = new java.util.ArrayList<>(regions);
    all.add(WITNESS);
    all.add(EDGE);
    return List.copyOf(all);
  }

  /** The locations that run an etcd member: the regions and the witness. */
  public List<String> etcdLocations() {
    List<String> all = new java.util.ArrayList<>(regions);
    all.add(WITNESS);
    return List.copyOf(all);
  }

  /**
   * The location index of {@code location}.
   *
   * @throws IllegalArgumentException naming {@code argument} and the valid locations
   */
  public int locationIndex(String argument, String location) {
    int i = locations().indexOf(location);
    if (i < 0) {
      throw new IllegalArgumentException(
          argument
              + ": '"
              + location
              + "' (expected: a location, one of "
              + String.join(", ", locations())
              + ")");
    }
    return i;
  }

  /** The first port of a location's own block. */
  private int home(String location) {
    if (location.equals(WITNESS)) {
      return base + 800;
    }
    if (location.equals(EDGE)) {
      return base + 900;
    }
    return base + 100 * index(location);
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

  /**
   * The PostgreSQL node of a zone of {@code region} (a store with {@code multi_az}): the writer
   * zone's (zone index 0) at +14, the standby zone's (1) at +16. The store's own address ({@link
   * #store}, +10) is then the region endpoint, a relay the region agent moves between the two.
   */
  public Endpoint zoneNode(String region, int zoneIndex) {
    return zoneNode(StoreKind.POSTGRES, region, zoneIndex);
  }

  /**
   * The zone node of a multi-AZ store of {@code kind} in {@code region}: PostgreSQL's at +14 and
   * +16 ({@link #zoneNode(String, int)}), Redis's at +31 (writer zone) and +33 (standby zone).
   */
  public Endpoint zoneNode(StoreKind kind, String region, int zoneIndex) {
    return new Endpoint(
        host, base + 100 * index(region) + zoneOffset(zoneIndex, zoneFirst(kind, ZONE_NODE)));
  }

  /**
   * How the other zone's node reaches a zone node of {@code kind}: PostgreSQL +24/+26, Redis
   * +35/+37.
   */
  public Endpoint zonePeer(StoreKind kind, String region, int zoneIndex) {
    return new Endpoint(
        host, base + 100 * index(region) + zoneOffset(zoneIndex, zoneFirst(kind, ZONE_PEER)));
  }

  private static int zoneFirst(StoreKind kind, int postgres) {
    return switch (kind) {
      case POSTGRES -> postgres;
      case REDIS -> postgres == ZONE_NODE ? REDIS_ZONE_NODE : REDIS_ZONE_PEER;
      default ->
          throw new IllegalArgumentException(
              "kind: " + kind + " (expected: postgres or redis, the kinds with zone nodes)");
    };
  }

  /**
   * How the node of the other zone reaches the node of zone {@code zoneIndex} of {@code region}:
   * through their zone link (+24 for the writer zone's node, +26 for the standby zone's), so that a
   * partition between the two zones cuts their replication.
   */
  public Endpoint zonePeer(String region, int zoneIndex) {
    return zonePeer(StoreKind.POSTGRES, region, zoneIndex);
  }

  /**
   * A multi-AZ PostgreSQL store's replication source in {@code region}: a second region endpoint
   * (+19), which the region agent keeps on the standby zone's node while it streams, else on the
   * writer's; the other regions' replicas stream from it, through the WAN.
   */
  public Endpoint zoneSource(String region) {
    return new Endpoint(host, base + 100 * index(region) + ZONE_SOURCE);
  }

  /** How {@code from} reaches the replication source of {@code region}, through the WAN. */
  public Endpoint zoneSourceFrom(String from, String region) {
    return wan(from, region, ZONE_SOURCE);
  }

  static final int ZONE_SOURCE = 19;
  private static final int ZONE_NODE = 14;
  private static final int ZONE_PEER = 24;
  private static final int REDIS_ZONE_NODE = 31;
  private static final int REDIS_ZONE_PEER = 35;

  private static int zoneOffset(int zoneIndex, int first) {
    if (zoneIndex != 0 && zoneIndex != 1) {
      throw new IllegalArgumentException("zone index: " + zoneIndex + " (expected: 0 or 1)");
    }
    return first + 2 * zoneIndex;
  }

  /** The admin API of the Neo4j server of {@code region}, at home. */
  public Endpoint neo4jAdmin(String region) {
    return new Endpoint(host, base + 100 * index(region) + NEO4J_ADMIN);
  }

  /** The address by which {@code from} reaches {@code kind} in {@code to}, through the WAN. */
  public Endpoint wan(String from, String to, StoreKind kind) {
    return wan(from, to, offset(kind));
  }

  /**
   * The address by which location {@code from} reaches the component at {@code offset} of location
   * {@code to}, through their WAN link.
   */
  Endpoint wan(String from, String to, int offset) {
    int s = locationIndex("from", from);
    int d = locationIndex("to", to);
    return new Endpoint(host, base + 1000 * (1 + s) + 100 * d + offset);
  }

  /** The offsets of a location's components that every other location reaches through the WAN. */
  List<Integer> remoteOffsets(String location) {
    if (location.equals(EDGE)) {
      return List.of(EDGE_ROUTER_ADMIN);
    }
    if (location.equals(WITNESS)) {
      return List.of(OBSERVER, ETCD_CLIENT);
    }
    return List.of(
        offset(StoreKind.POSTGRES),
        offset(StoreKind.REDIS),
        offset(StoreKind.NEO4J),
        NEO4J_ADMIN,
        offset(StoreKind.OBJECTS),
        OBJECTS_REPLICATOR,
        ZONE_SOURCE,
        OBSERVER,
        ETCD_CLIENT);
  }

  /**
   * The offsets of a location's components that only the edge reaches through the WAN: a region's
   * service instance slots (the edge router is their only remote caller).
   */
  List<Integer> edgeOffsets(String location) {
    if (!regions.contains(location)) {
      return List.of();
    }
    return java.util.stream.IntStream.range(INSTANCES, INSTANCES + MAX_INSTANCES).boxed().toList();
  }

  /**
   * How the edge router reaches the instance slots of {@code region}, in {@link #instanceSlots}
   * order: through the edge's WAN link to the region.
   */
  public List<Endpoint> instanceSlotsFromEdge(String region) {
    index(region);
    return edgeOffsets(region).stream().map(o -> wan(EDGE, region, o)).toList();
  }

  /** The object store's HTTPS connector in {@code region} (S3Mock opens one; nobody uses it). */
  public Endpoint objectsTls(String region) {
    return new Endpoint(host, base + 100 * index(region) + OBJECTS_TLS);
  }

  /** The object replicator of {@code region}'s admin API, at home: +18. */
  public Endpoint objectsReplicator(String region) {
    return new Endpoint(host, base + 100 * index(region) + OBJECTS_REPLICATOR);
  }

  /** How {@code from} reaches the object replicator of {@code region}: directly, or by the WAN. */
  public Endpoint objectsReplicatorFrom(String from, String region) {
    return from.equals(region) ? objectsReplicator(region) : wan(from, region, OBJECTS_REPLICATOR);
  }

  /** The location whose WAN address {@code address} is, if it is one (for a store's address). */
  public java.util.Optional<String> wanSource(Endpoint address) {
    for (StoreKind kind : StoreKind.values()) {
      for (String to : regions) {
        for (String from : locations()) {
          if (!from.equals(to) && wan(from, to, kind).equals(address)) {
            return java.util.Optional.of(from);
          }
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** The component at {@code offset} of {@code location}, at home. */
  Endpoint local(String location, int offset) {
    return new Endpoint(host, home(location) + offset);
  }

  /** The etcd member name of a location: {@code etcd-us-west-2}, {@code etcd-witness}. */
  public static String etcdMember(String location) {
    return "etcd-" + location;
  }

  /** The etcd member's client address in {@code location}, as its own location reaches it. */
  public Endpoint etcdClient(String location) {
    return local(etcdLocation(location), ETCD_CLIENT);
  }

  /** The address the etcd member of {@code location} listens on for its peers. */
  public Endpoint etcdPeerListen(String location) {
    return local(etcdLocation(location), ETCD_PEER);
  }

  /**
   * The peer address the etcd member of {@code location} advertises: a WAN daemon port that carries
   * each member's connections over that member's own link to {@code location} (see the class
   * comment).
   */
  public Endpoint etcdPeerAdvertised(String location) {
    return wan(etcdLocation(location), location, ETCD_PEER);
  }

  /**
   * The etcd client endpoints as seen from {@code fromLocation}: its own member directly (when it
   * has one), the others through the WAN links from {@code fromLocation}, own member first.
   */
  public List<Endpoint> etcdEndpoints(String fromLocation) {
    locationIndex("location", fromLocation);
    List<Endpoint> out = new java.util.ArrayList<>();
    if (etcdLocations().contains(fromLocation)) {
      out.add(etcdClient(fromLocation));
    }
    for (String member : etcdLocations()) {
      if (!member.equals(fromLocation)) {
        out.add(wan(fromLocation, member, ETCD_CLIENT));
      }
    }
    return List.copyOf(out);
  }

  private String etcdLocation(String location) {
    locationIndex("location", location);
    if (!etcdLocations().contains(location)) {
      throw new IllegalArgumentException(
          "location: '"
              + location
              + "' runs no etcd member (expected: one of "
              + String.join(", ", etcdLocations())
              + ")");
    }
    return location;
  }

  /** The orchestrator's API, at the edge (a lab without coordination store runs one there). */
  public Endpoint orchestrator() {
    return new Endpoint(host, base + 910);
  }

  /** The API of the orchestrator replica in {@code location} (a region or the witness): +70. */
  public Endpoint orchestratorReplica(String location) {
    locationIndex("location", location);
    return local(location, ORCHESTRATOR);
  }

  /** The region agent of {@code region}, beside its stores: +80. */
  public Endpoint agent(String region) {
    return new Endpoint(host, base + 100 * index(region) + AGENT);
  }

  /** How {@code from} reaches the failure observer of {@code region}: directly, or by the WAN. */
  public Endpoint observerFrom(String from, String location) {
    return from.equals(location) ? observerAt(location) : wan(from, location, OBSERVER);
  }

  /** The failure observer of a region or of the witness, at home: +30. */
  public Endpoint observerAt(String location) {
    locationIndex("location", location);
    return local(location, OBSERVER);
  }

  /** How {@code from} reaches {@code kind} in {@code region}: directly, or by the WAN. */
  public Endpoint storeFrom(String from, StoreKind kind, String region) {
    return from.equals(region) ? store(kind, region) : wan(from, region, kind);
  }

  /** The failure observer of {@code region}. */
  public Endpoint observer(String region) {
    return new Endpoint(host, base + 100 * index(region) + 30);
  }

  /** The lab's notification receiver, where the orchestrators' notices go (not through the WAN). */
  public Endpoint pager() {
    return new Endpoint(host, base + 970);
  }

  /** The edge router's proxy port: the global entry point users (and the canary) call. */
  public Endpoint edgeRouter() {
    return new Endpoint(host, base + 920);
  }

  /** The edge router's admin API. */
  public Endpoint edgeRouterAdmin() {
    return local(EDGE, EDGE_ROUTER_ADMIN);
  }

  /**
   * How {@code from} reaches the edge router's admin API through their WAN link: the failure
   * observers probe it, so a partition between their location and the edge is seen.
   */
  public Endpoint edgeRouterAdminFrom(String from) {
    return from.equals(EDGE) ? edgeRouterAdmin() : wan(from, EDGE, EDGE_ROUTER_ADMIN);
  }

  /** The service cluster of {@code region} (the stand-in for its Kubernetes cluster). */
  public Endpoint cluster(String region) {
    return new Endpoint(host, base + 100 * index(region) + 40);
  }

  /** The ports the service instances of {@code region} may take, {@link #MAX_INSTANCES} of them. */
  public List<Endpoint> instanceSlots(String region) {
    int first = base + 100 * index(region) + INSTANCES;
    return java.util.stream.IntStream.range(0, MAX_INSTANCES)
        .mapToObj(i -> new Endpoint(host, first + i))
        .toList();
  }

  /** The most service instances a lab region runs (its autoscaling maximum is capped to this). */
  public static final int MAX_INSTANCES = 10;

  /** The lab's Prometheus (optional: {@code lab up --prometheus}), at the edge: +60. */
  public Endpoint prometheus() {
    return new Endpoint(host, base + 960);
  }

  /** The WAN links' admin API. */
  public Endpoint wanAdmin() {
    return new Endpoint(host, base + 950);
  }

  /** The store a WAN address leads to, from any location; any other address unchanged. */
  public Endpoint direct(Endpoint address) {
    for (StoreKind kind : StoreKind.values()) {
      for (String to : regions) {
        for (String from : locations()) {
          if (!from.equals(to) && wan(from, to, kind).equals(address)) {
            return store(kind, to);
          }
        }
      }
    }
    return address;
  }
}
