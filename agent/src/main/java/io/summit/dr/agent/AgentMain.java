package io.summit.dr.agent;

import io.summit.dr.access.AccessList;
import io.summit.dr.access.AccessOptions;
import io.summit.dr.access.BearerToken;
import io.summit.dr.agent.zones.ZoneFailover;
import io.summit.dr.agent.zones.ZoneNode;
import io.summit.dr.agent.zones.ZoneSettings;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.neo4j.Neo4jAdapter;
import io.summit.dr.replication.objects.ObjectsAdapter;
import io.summit.dr.replication.objects.S3Clients;
import io.summit.dr.replication.postgres.PostgresAdapter;
import io.summit.dr.replication.postgres.PostgresControl;
import io.summit.dr.replication.redis.RedisAdapter;
import io.summit.dr.topology.Durations;
import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The region agent process: {@code --config FILE --region R --etcd URL,URL,... --listen HOST:PORT
 * --store KIND=HOST:PORT ... [--lease-ttl 1s] [--renew-interval 250ms] [--fence-budget 400ms]
 * [--check-interval 50ms]}. {@code --config} is the topology file (its name is the etcd key prefix;
 * the region must be one of its non-witness regions); each {@code --store} is one local primary,
 * {@code postgres}, {@code redis}, {@code objects} (the region's bucket, named by the topology) or
 * {@code neo4j} (its Bolt address; the admin API three ports above), reached directly. Bad
 * arguments exit 2 with the flag named.
 *
 * <p>In-region (Multi-AZ) failover of the region's PostgreSQL and Redis stores, when the topology
 * gives them {@code multi_az} zones for the region ({@link ZoneFailover}): {@code --zone-node
 * postgres=ZONE,HOST:PORT,PEER_HOST:PORT} (or {@code redis=...}) once for each of the region's two
 * zones (the node's direct address, and the address the other zone's node reaches it at), {@code
 * --zone-endpoint postgres=URL} (the region endpoint the agent moves to the writer node, e.g.
 * {@code http://127.0.0.1:26950/v1/endpoints/postgres-us-west-2}), {@code --token-file FILE} (the
 * bearer token sent to it, operator role), {@code [--zone-source-endpoint postgres=URL]} (the
 * region's replication source, which the agent keeps on the standby while it streams, else on the
 * writer: the other regions' replicas cascade from the standby, so they never hold WAL it lacks)
 * and {@code [--zone-probe-interval 100ms]}; Redis takes no source endpoint (the other regions'
 * replicas follow its region endpoint); probe timeout and failure threshold come from the
 * topology's {@code health}. Without {@code --zone-node} the agent runs no zone failover (on AWS,
 * RDS Multi-AZ does it).
 */
public final class AgentMain {
  private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(1);
  private static final String FLAGS =
      "--config, --region, --etcd, --listen, --store, --lease-ttl, --renew-interval,"
          + " --fence-budget, --check-interval, --access-file, --zone-node, --zone-endpoint,"
          + " --token-file, --zone-probe-interval, --zone-source-endpoint";

  /** The default of {@code --zone-probe-interval}. */
  public static final Duration DEFAULT_ZONE_PROBE_INTERVAL = Duration.ofMillis(100);

  /**
   * The parsed command line.
   *
   * @param zoneNodes by store kind ({@code postgres}), the nodes of {@code --zone-node}
   * @param zoneEndpoints by store kind, the region endpoint of {@code --zone-endpoint}
   * @param token the bearer token of {@code --token-file}
   * @param tls what its API listens with ({@code --tls-cert}, {@code --tls-key}); empty: plain HTTP
   * @param trust what it trusts for an {@code https://} zone endpoint ({@code --ca-file})
   */
  public record Options(
      Path config,
      String region,
      List<URI> etcd,
      Endpoint listen,
      Map<String, Endpoint> stores,
      Map<String, Duration> timings,
      Optional<AccessList> access,
      Map<String, List<ZoneNode>> zoneNodes,
      Map<String, URI> zoneEndpoints,
      Optional<BearerToken> token,
      Duration zoneProbeInterval,
      Map<String, URI> zoneSourceEndpoints,
      Optional<javax.net.ssl.SSLContext> tls,
      Optional<javax.net.ssl.SSLContext> trust) {
    public Options {
      etcd = List.copyOf(etcd);
      stores = Map.copyOf(stores);
      timings = Map.copyOf(timings);
      Map<String, List<ZoneNode>> nodes = new LinkedHashMap<>();
      zoneNodes.forEach((kind, list) -> nodes.put(kind, List.copyOf(list)));
      zoneNodes = Map.copyOf(nodes);
      zoneEndpoints = Map.copyOf(zoneEndpoints);
      zoneSourceEndpoints = Map.copyOf(zoneSourceEndpoints);
    }
  }

  private AgentMain() {}

  public static void main(String[] args) throws InterruptedException {
    main(args, e -> null);
  }

  /**
   * The agent process with {@code controls}: the local control of a zone node by its direct
   * address, which a rejoin needs (the lab's launcher gives its servers; null for none).
   */
  public static void main(String[] args, Function<Endpoint, @Nullable PostgresControl> controls)
      throws InterruptedException {
    Options options;
    Topology topology;
    AgentConfig config;
    try {
      options = parse(args);
      topology = TopologyLoader.load(options.config());
      config = config(options, topology);
    } catch (IllegalArgumentException e) {
      System.err.println("agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      Running running = run(options, config, topology, controls);
      Runtime.getRuntime().addShutdownHook(new Thread(running::close));
    } catch (IOException e) {
      System.err.println("agent: --listen " + options.listen() + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    new CountDownLatch(1).await();
  }

  /** Parses the command line; every problem names the flag. */
  public static Options parse(String[] args) {
    return parse(args, true);
  }

  /**
   * Parses the command line of an agent whose stores are {@code --store} flags ({@code
   * storesFlagged}) or come from elsewhere (an AWS deployment file: then {@code --store} is
   * refused).
   */
  public static Options parse(String[] args, boolean storesFlagged) {
    AccessOptions split = AccessOptions.split(List.of(args));
    args = split.rest().toArray(String[]::new);
    Path config = null;
    String region = null;
    List<URI> etcd = null;
    Endpoint listen = null;
    Map<String, Endpoint> stores = new LinkedHashMap<>();
    Map<String, Duration> timings = new LinkedHashMap<>();
    Map<String, List<ZoneNode>> zoneNodes = new LinkedHashMap<>();
    Map<String, URI> zoneEndpoints = new LinkedHashMap<>();
    Map<String, URI> zoneSourceEndpoints = new LinkedHashMap<>();
    Duration zoneProbeInterval = DEFAULT_ZONE_PROBE_INTERVAL;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new IllegalArgumentException(flag + ": missing value");
      }
      String value = args[++i];
      switch (flag) {
        case "--config" -> config = Path.of(value);
        case "--region" -> region = value;
        case "--etcd" -> etcd = etcd(value);
        case "--listen" -> listen = endpoint(flag, value);
        case "--store" -> store(value, stores);
        case "--lease-ttl", "--renew-interval", "--fence-budget", "--check-interval" ->
            timings.put(flag, duration(flag, value));
        case "--zone-node" -> ZoneFlags.node(value, zoneNodes);
        case "--zone-endpoint" -> ZoneFlags.endpoint(value, zoneEndpoints);
        case "--zone-source-endpoint" -> ZoneFlags.sourceEndpoint(value, zoneSourceEndpoints);
        case "--zone-probe-interval" -> zoneProbeInterval = positive(flag, value);
        default ->
            throw new IllegalArgumentException(flag + ": unknown option (expected: " + FLAGS + ")");
      }
    }
    List<String> missing = new ArrayList<>();
    if (config == null) missing.add("--config");
    if (region == null) missing.add("--region");
    if (etcd == null) missing.add("--etcd");
    if (listen == null) missing.add("--listen");
    if (storesFlagged && stores.isEmpty()) missing.add("--store");
    if (!storesFlagged && !stores.isEmpty()) {
      throw new IllegalArgumentException(
          "--store: not taken here (expected: the stores of the deployment file)");
    }
    if (!missing.isEmpty() || config == null || region == null || etcd == null || listen == null) {
      throw new IllegalArgumentException(
          String.join(", ", missing) + ": required (expected: a value)");
    }
    ZoneFlags.together(zoneNodes, zoneEndpoints, storesFlagged);
    return new Options(
        config,
        region,
        etcd,
        listen,
        stores,
        timings,
        split.access(),
        zoneNodes,
        zoneEndpoints,
        split.token(),
        zoneProbeInterval,
        zoneSourceEndpoints,
        split.tls(),
        split.trust());
  }

  /** The agent's configuration: the topology's name and region, the timings given or defaults. */
  public static AgentConfig config(Options o, Topology topology) {
    Region region =
        topology
            .region(o.region())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--region: '"
                            + o.region()
                            + "' (expected: one of "
                            + topology.regions().stream().map(Region::name).toList()
                            + ")"));
    if (region.role() == RegionRole.WITNESS) {
      throw new IllegalArgumentException(
          "--region: '" + o.region() + "' is a witness (expected: a region with stores)");
    }
    var unused = ZoneFlags.settings(o, topology); // refused before anything starts
    AgentConfig defaults = AgentConfig.of(topology.name(), o.region());
    try {
      return defaults.withTimings(
          timing(o, "--lease-ttl", defaults.leaseTtl()),
          timing(o, "--renew-interval", defaults.renewInterval()),
          timing(o, "--fence-budget", defaults.fenceBudget()),
          timing(o, "--check-interval", defaults.checkInterval()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("timings: " + e.getMessage(), e);
    }
  }

  /**
   * Starts the agent and its HTTP server; the caller closes what it returns. {@code topology} names
   * the region's bucket when an objects store is guarded.
   */
  public static Running run(Options o, AgentConfig config, Topology topology) throws IOException {
    return run(o, config, topology, e -> null);
  }

  /**
   * Starts the agent, its HTTP server and the zone failovers of {@code --zone-node}; {@code
   * controls} gives the local control of a zone node by its direct address (null: that node cannot
   * be rejoined, which the agent's status then says). The caller closes what it returns.
   */
  public static Running run(
      Options o,
      AgentConfig config,
      Topology topology,
      Function<Endpoint, @Nullable PostgresControl> controls)
      throws IOException {
    List<StoreAdapter> stores = new ArrayList<>();
    o.stores()
        .forEach(
            (kind, at) ->
                stores.add(adapter(kind, at, config.region(), topology, o.token(), o.trust())));
    // The physical slots the other regions' replicas stream through (node_<region>): slots are
    // not replicated, so a promoted zone node creates them for the cross-region replicas.
    List<String> slots =
        topology.stores().stream()
            .filter(s -> s.kind() == StoreKind.POSTGRES && s.involves(config.region()))
            .flatMap(
                s ->
                    java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(s.primaryRegion()), s.replicaRegions().stream()))
            .filter(r -> !r.equals(config.region()))
            .distinct()
            .map(r -> "node_" + r.replace('-', '_'))
            .toList();
    return start(o, config, stores, ZoneFlags.settings(o, topology), controls, slots);
  }

  /**
   * Starts the agent guarding {@code stores} (its region's primaries), without zone failovers; the
   * caller closes it.
   *
   * @throws IllegalArgumentException when {@code o} has {@code --zone-node} flags
   */
  public static Running run(Options o, AgentConfig config, List<StoreAdapter> stores)
      throws IOException {
    if (!o.zoneNodes().isEmpty()) {
      throw new IllegalArgumentException(
          "--zone-node: not taken with stores given (expected: run with the topology)");
    }
    return start(o, config, stores, Map.of(), e -> null, List.of());
  }

  private static Running start(
      Options o,
      AgentConfig config,
      List<StoreAdapter> stores,
      Map<String, ZoneSettings> zones,
      Function<Endpoint, @Nullable PostgresControl> controls,
      List<String> slots)
      throws IOException {
    Coordination etcd = Coordination.etcd(o.etcd(), config.requestTimeout());
    // a zone failover's tick may wait a probe timeout, or a promotion, on its thread
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            3 + zones.size(), Thread.ofPlatform().daemon().name("agent-", 0).factory());
    List<ZoneFailover> failovers = new CopyOnWriteArrayList<>();
    RegionAgent agent =
        new RegionAgent(
            config,
            etcd,
            stores,
            System::nanoTime,
            Clock.systemUTC(),
            scheduler,
            () -> failovers.stream().map(ZoneFailover::status).toList());
    BooleanSupplier holding = () -> holds(agent.status());
    zones.forEach(
        (kind, z) -> {
          var endpoint =
              ZoneFailover.endpoint(
                  java.util.Objects.requireNonNull(o.zoneEndpoints().get(kind)),
                  o.token(),
                  o.trust());
          failovers.add(
              kind.equals("redis")
                  ? ZoneFailover.redis(z, endpoint, holding, scheduler)
                  : ZoneFailover.postgres(
                      z,
                      endpoint,
                      Optional.ofNullable(o.zoneSourceEndpoints().get(kind))
                          .map(url -> ZoneFailover.endpoint(url, o.token(), o.trust())),
                      controls,
                      slots,
                      holding,
                      scheduler));
        });
    AgentServer server =
        new AgentServer(
            agent,
            new InetSocketAddress(o.listen().host(), o.listen().port()),
            o.tls().orElse(null));
    o.access().ifPresent(server::require);
    server.start();
    agent.start();
    failovers.forEach(ZoneFailover::start);
    LOG.info(
        "{}: API on {}://{}, etcd {}, stores {}, zone failovers {}",
        config.agentId(),
        io.summit.dr.access.Tls.scheme(o.tls().orElse(null)),
        server.address(),
        o.etcd(),
        stores.stream().map(StoreAdapter::id).toList(),
        zones.values().stream().map(ZoneSettings::store).toList());
    return new Running(agent, server, etcd, stores, scheduler, List.copyOf(failovers));
  }

  /** Holding the authority with the local deadline not passed: the region is the writer. */
  private static boolean holds(AgentStatus s) {
    Long left = s.deadlineInMillis();
    return s.state() == AgentState.HOLDING && left != null && left > 0;
  }

  /** A running agent process. */
  public record Running(
      RegionAgent agent,
      AgentServer server,
      Coordination etcd,
      List<StoreAdapter> stores,
      ScheduledExecutorService scheduler,
      List<ZoneFailover> zones)
      implements AutoCloseable {
    public Running {
      zones = List.copyOf(zones);
    }

    @Override
    public void close() {
      zones.forEach(ZoneFailover::close);
      agent.close();
      server.close();
      scheduler.shutdownNow();
      etcd.close();
      stores.forEach(StoreAdapter::close);
    }
  }

  static StoreAdapter adapter(String kind, Endpoint at, String region, Topology topology) {
    return adapter(kind, at, region, topology, Optional.empty(), Optional.empty());
  }

  /**
   * The adapter of the region's {@code kind} node at {@code at}; {@code token} is sent where the
   * node's control API takes one, and {@code trust} is what that API's certificate chains to
   * (Neo4j's admin API with an access list and TLS).
   */
  static StoreAdapter adapter(
      String kind,
      Endpoint at,
      String region,
      Topology topology,
      Optional<BearerToken> token,
      Optional<javax.net.ssl.SSLContext> trust) {
    String id = kind + "@" + region;
    Clock clock = Clock.systemUTC();
    return switch (kind) {
      case "postgres" ->
          new PostgresAdapter(
              id, at, "node_" + region.replace('-', '_'), null, clock, STORE_TIMEOUT, e -> e);
      case "redis" -> new RedisAdapter(id, at, clock, STORE_TIMEOUT, e -> e);
      case "objects" -> {
        // the agent only fences its region's bucket: no replicator figures needed
        Store store =
            topology.stores().stream()
                .filter(s -> s.kind() == StoreKind.OBJECTS && s.involves(region))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "--store: objects (expected: a store of kind objects in "
                                + region
                                + " in the topology)"));
        yield new ObjectsAdapter(
            id,
            region,
            S3Clients.at(at, STORE_TIMEOUT),
            store.objectRule().bucket(region),
            List.of(),
            clock,
            STORE_TIMEOUT);
      }
      case "neo4j" ->
          new Neo4jAdapter(
              id,
              at,
              Neo4jAdapter::adminThreeAbove,
              clock,
              STORE_TIMEOUT,
              token.orElse(null),
              trust.orElse(null));
      default ->
          throw new IllegalArgumentException(
              "--store: kind '" + kind + "' (expected: postgres, redis, objects or neo4j)");
    };
  }

  private static void store(String value, Map<String, Endpoint> stores) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--store: '" + value + "' (expected: KIND=HOST:PORT)");
    }
    String kind = value.substring(0, eq).toLowerCase(Locale.ROOT);
    if (!List.of("postgres", "redis", "objects", "neo4j").contains(kind)) {
      throw new IllegalArgumentException(
          "--store: kind '"
              + value.substring(0, eq)
              + "' (expected: postgres, redis, objects or neo4j)");
    }
    if (stores.put(kind, endpoint("--store", value.substring(eq + 1))) != null) {
      throw new IllegalArgumentException(
          "--store: '" + kind + "' given twice (expected: one store of each kind per region)");
    }
  }

  private static Duration positive(String flag, String value) {
    Duration d = duration(flag, value);
    if (d.isZero()) {
      throw new IllegalArgumentException(flag + ": " + value + " (expected: > 0)");
    }
    return d;
  }

  private static List<URI> etcd(String value) {
    List<URI> out = new ArrayList<>();
    for (String url : value.split(",")) {
      URI uri;
      try {
        uri = URI.create(url.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--etcd: '" + url + "' (expected: http://HOST:PORT)", e);
      }
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
        throw new IllegalArgumentException("--etcd: '" + url + "' (expected: http://HOST:PORT)");
      }
      out.add(uri);
    }
    return out;
  }

  private static Endpoint endpoint(String flag, String value) {
    try {
      return Endpoint.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
    }
  }

  private static Duration duration(String flag, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
    }
  }

  private static Duration timing(Options o, String flag, Duration fallback) {
    @Nullable Duration given = o.timings().get(flag);
    return given == null ? fallback : given;
  }
}
