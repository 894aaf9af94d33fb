package io.summit.dr.lab;

import io.summit.dr.access.AccessOptions;
import io.summit.dr.lab.process.Binaries;
import io.summit.dr.lab.process.LabException;
import io.summit.dr.lab.process.Neo4jServer;
import io.summit.dr.lab.process.OsProcesses;
import io.summit.dr.lab.process.PostgresServer;
import io.summit.dr.lab.process.RedisServer;
import io.summit.dr.lab.wan.WanClient;
import io.summit.dr.lab.wan.WanSpec;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.neo4j.Neo4jAdapter;
import io.summit.dr.topology.Durations;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The start-up sequence of {@link Lab#up}: the WAN daemon at the edge, then each store's primary,
 * then its replicas, which clone and stream through the WAN. The state file is written after each
 * component, so a failure half-way leaves a record {@code lab down} can clean up.
 */
final class LabUp {
  private final Lab lab;
  private final Topology topology;
  private final Path config;
  private final Binaries binaries;
  private final Consumer<String> progress;
  private final LabLayout layout;
  private final String classPath;
  private final Predicate<String> daemons;
  private final LabEtcd etcd;
  private LabState state;

  LabUp(
      Lab lab,
      Topology topology,
      Path config,
      Binaries binaries,
      Consumer<String> progress,
      Predicate<String> daemons) {
    this.daemons = daemons;
    this.lab = lab;
    this.topology = topology;
    this.config = config;
    this.binaries = binaries;
    this.progress = progress;
    this.layout = LabLayout.of(topology);
    this.classPath = lab.daemonClassPath();
    this.etcd = new LabEtcd(layout, lab.dir(), topology.name());
    this.state =
        new LabState(config.toString(), topology.name(), List.of(), lab.postgresDir().toString());
  }

  void run() {
    long started = System.nanoTime();
    progress.accept(
        "lab: starting '"
            + topology.name()
            + "' in "
            + lab.dir()
            + " (regions "
            + String.join(", ", layout.regions())
            + ", WAN latency "
            + Durations.format(topology.lab().wanLatency())
            + ")");
    List<Store> stores =
        topology.stores().stream()
            .filter(
                s ->
                    s.kind() == StoreKind.POSTGRES
                        || s.kind() == StoreKind.REDIS
                        || s.kind() == StoreKind.NEO4J
                        || s.kind() == StoreKind.OBJECTS)
            .toList();
    List<WanSpec.Route> routes = routes(stores);
    checkPortsFree(stores, routes);
    io.summit.dr.access.AccessDirectory access = LabAccess.create(lab.dir());
    progress.accept(
        "  access: every control API needs a token; read with "
            + access.tokenFile(LabAccess.VIEWER)
            + ", act with "
            + access.tokenFile(LabAccess.OPERATOR)
            + " (docs/access.md)");
    io.summit.dr.access.CertificateAuthority.Files tls = LabTls.create(lab.dir(), layout.host());
    progress.accept(
        "  tls: every control API listens with HTTPS only; trust "
            + tls.caCert()
            + " (curl --cacert)");
    Path wanSpec = writeWanSpec(routes, stores);
    // The WAN daemon carries every cross-location byte, etcd's heartbeats included: starved, it
    // stalls the network itself (an etcd leader then loses its quorum and leases stall).
    // Its heap is larger than the other daemons': with 192 MB (64 MB young) it promoted the
    // buffers of short-lived connections and ran a full collection every ~15 s, 297 ms on
    // average (26 in ~6 min of a lab under the canary, jstat), a pause of every link at once.
    List<String> wanCommand =
        Lab.prioritized(
            Lab.javaCommand(
                classPath,
                Lab.wanMain().getName(),
                wanArguments(lab, wanSpec),
                List.of("-Xmx512m", "-Xmn256m")));
    step(
        "wan",
        "wan",
        "edge",
        layout.wanAdmin(),
        lab.dir(),
        lab.dir().resolve("wan.log"),
        () -> startWan(lab, wanSpec, layout, wanCommand));
    state = state.with(state.component("wan-edge").orElseThrow().withCommand(wanCommand));
    lab.save(state);
    // The object stores (a JVM each, the slowest to start) and the etcd members start while the
    // other stores do; both are awaited before the daemons.
    LabObjects objects = new LabObjects(lab, layout, progress);
    List<LabObjects.Spawned> spawned = objects.spawn(stores, this::regionDir);
    spawned.forEach(o -> state = state.with(o.component()));
    lab.save(state);
    List<LabComponent> members = daemons.test(LabEtcd.KIND) ? spawnEtcd() : List.of();
    // Neo4j servers first and without waiting: their JVMs start (the slowest stores) while the
    // others do; a replica's applier retries until its primary answers.
    List<Store> neo4j = stores.stream().filter(s -> s.kind() == StoreKind.NEO4J).toList();
    for (Store store : neo4j) {
      startPrimary(store);
      store.replicaRegions().forEach(r -> startReplica(store, r));
    }
    for (Store store : stores) {
      if (store.kind() == StoreKind.OBJECTS || store.kind() == StoreKind.NEO4J) {
        continue;
      }
      startPrimary(store);
      for (String replicaRegion : store.replicaRegions()) {
        startReplica(store, replicaRegion);
      }
    }
    objects.await(spawned);
    awaitNeo4j();
    if (!members.isEmpty()) {
      awaitEtcd(members);
    }
    startDaemons();
    lab.orchestratorLeader()
        .ifPresent(
            leader ->
                progress.accept(
                    "  dashboard: "
                        + LabTls.base(leader)
                        + "/ (the leading orchestrator; sign in with a token above"
                        + (LabTls.trustFor(leader) == null
                            ? ")"
                            : "; the browser must trust " + LabTls.caFile(lab.dir()) + ")")));
    if (state
        .component(Lab.componentName(io.summit.dr.lab.pager.LabPager.KIND, "edge"))
        .isPresent()) {
      progress.accept(
          "  pager: the orchestrators' notices go to the lab's pager at http://"
              + layout.pager()
              + " (summit-dr lab pages)");
    }
    progress.accept(
        String.format(Locale.ROOT, "lab: up in %.1fs", (System.nanoTime() - started) / 1e9));
  }

  private List<LabComponent> spawnEtcd() {
    List<LabComponent> members = new ArrayList<>();
    for (String location : layout.etcdLocations()) {
      LabComponent m = etcd.spawn(location);
      members.add(m);
      state = state.with(m);
      lab.save(state);
    }
    return members;
  }

  /** Waits for a healthy cluster, then hands leadership to the witness member. */
  private void awaitEtcd(List<LabComponent> members) {
    long t0 = System.nanoTime();
    etcd.awaitHealthy(members, Duration.ofSeconds(20));
    for (LabComponent m : members) {
      progress.accept(
          String.format(
              Locale.ROOT,
              "  %-22s %-9s %-16s pid %-7d",
              m.name(),
              m.region(),
              m.host() + ":" + m.port(),
              m.pid()));
    }
    long healthy = System.nanoTime();
    etcd.moveLeader(LabLayout.WITNESS, Duration.ofSeconds(10));
    progress.accept(
        String.format(
            Locale.ROOT,
            "  etcd: healthy in %.1fs (after the stores); leader moved to %s in %.1fs, so that a"
                + " killed region does not take the etcd leader with it",
            (healthy - t0) / 1e9,
            LabLayout.etcdMember(LabLayout.WITNESS),
            (System.nanoTime() - healthy) / 1e9));
  }

  /** The processes capabilities add through {@link LabExtension}, started after the stores. */
  private void startDaemons() {
    List<LabExtension> extensions = new ArrayList<>();
    java.util.ServiceLoader.load(LabExtension.class).forEach(extensions::add);
    extensions.sort(java.util.Comparator.comparingInt(LabExtension::order));
    for (LabExtension extension : extensions) {
      // An extension's daemons are independent of each other (one per region or location): all
      // of them start, then each is awaited, so their JVMs' start-ups overlap.
      record Started(LabComponent component, LabExtension.Daemon daemon, long spawnedNanos) {}
      List<Started> started = new ArrayList<>();
      for (LabExtension.Daemon d : extension.daemons(topology, layout, lab.dir(), config)) {
        if (!daemons.test(d.kind())) {
          continue;
        }
        String name = Lab.componentName(d.kind(), d.region());
        Path log = lab.dir().resolve(name + ".log");
        List<String> command = Lab.javaCommand(classPath, d.mainClass(), d.arguments());
        if (d.kind().equals("agent")) {
          command = Lab.prioritized(command);
        } else if (d.kind().equals("objects-replicator")) {
          command = OsProcesses.lowered(OsProcesses.DATA_NICENESS, command);
        }
        long t0 = System.nanoTime();
        long pid = OsProcesses.spawnDetached(command, log);
        LabComponent c =
            new LabComponent(
                name,
                d.kind(),
                d.region(),
                pid,
                d.address().host(),
                d.address().port(),
                lab.dir().toString(),
                log.toString(),
                command,
                d.healthPath());
        state = state.with(c);
        lab.save(state);
        started.add(new Started(c, d, t0));
      }
      for (Started st : started) {
        Lab.awaitHealthy(st.component(), Duration.ofSeconds(60));
        progress.accept(
            String.format(
                Locale.ROOT,
                "  %-22s %-9s %-16s pid %-7d %5.1fs",
                st.component().name(),
                st.daemon().region(),
                st.daemon().address(),
                st.component().pid(),
                (System.nanoTime() - st.spawnedNanos()) / 1e9));
      }
      if (state.components().stream().anyMatch(c -> c.kind().equals("orchestrator"))) {
        awaitLeader();
      }
    }
  }

  /**
   * Waits until an orchestrator replica leads (the daemons started after it, the services, read
   * discovery from the leader), at most 30 s.
   */
  private void awaitLeader() {
    long t0 = System.nanoTime();
    long deadline = t0 + Duration.ofSeconds(30).toNanos();
    java.util.Optional<LabComponent> leader = lab.orchestratorLeader();
    while (leader.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new LabException(
            "control plane: no orchestrator replica leads 30 s after they started; see the"
                + " orchestrator-*.log files in "
                + lab.dir());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      leader = lab.orchestratorLeader();
    }
    progress.accept(
        String.format(
            Locale.ROOT,
            "  control plane: %s leads (elected in %.1fs)",
            leader.get().name(),
            (System.nanoTime() - t0) / 1e9));
  }

  private void checkPortsFree(List<Store> stores, List<WanSpec.Route> routes) {
    List<Endpoint> needed = new ArrayList<>();
    needed.add(layout.wanAdmin());
    for (Store s : stores) {
      for (String region : layout.regions()) {
        needed.add(layout.store(s.kind(), region));
        if (s.kind() == StoreKind.OBJECTS) {
          needed.add(layout.objectsTls(region));
          needed.add(layout.objectsReplicator(region));
        }
        if (s.kind() == StoreKind.NEO4J) {
          needed.add(layout.neo4jAdmin(region));
        }
        if (zoned(s, region)) {
          if (s.kind() == StoreKind.POSTGRES) {
            needed.add(layout.zoneSource(region));
          }
          for (int zone = 0; zone < 2; zone++) {
            needed.add(layout.zoneNode(s.kind(), region, zone));
            needed.add(layout.zonePeer(s.kind(), region, zone));
          }
        }
      }
    }
    for (String location : layout.etcdLocations()) {
      needed.add(layout.etcdClient(location));
      needed.add(layout.etcdPeerListen(location));
    }
    routes.forEach(r -> needed.add(new Endpoint(layout.host(), r.listenPort())));
    for (Endpoint e : needed) {
      try (ServerSocket probe =
          new ServerSocket(e.port(), 1, java.net.InetAddress.getByName(e.host()))) {
        probe.setReuseAddress(true);
      } catch (IOException taken) {
        throw new LabException(
            "lab: port "
                + e
                + " is in use; another lab may be running: stop it, or set lab.base_port in "
                + config
                + " (now "
                + topology.lab().basePort()
                + ")");
      }
    }
  }

  /**
   * Every WAN route: from each location to each other location's stores, observers and etcd client
   * port, from every other location to the edge router's admin API (the observers probe it), from
   * the edge to each region's service instances (when the lab has an edge router), and to each etcd
   * member's peer port by source (see {@link LabLayout}).
   */
  private List<WanSpec.Route> routes(List<Store> stores) {
    List<WanSpec.Route> routes = new ArrayList<>();
    for (String to : layout.locations()) {
      for (String from : layout.locations()) {
        if (from.equals(to)) {
          continue;
        }
        if (to.equals(LabLayout.EDGE) && !topology.lab().edgeRouter()) {
          continue;
        }
        for (int offset : layout.remoteOffsets(to)) {
          routeName(stores, offset)
              .ifPresent(name -> routes.add(route(from, to, name, offset, offset)));
        }
      }
    }
    if (topology.lab().edgeRouter()) {
      for (String region : layout.regions()) {
        for (int offset : layout.edgeOffsets(region)) {
          routes.add(
              route(
                  LabLayout.EDGE,
                  region,
                  "instance-" + (offset - LabLayout.INSTANCES),
                  offset,
                  offset));
        }
      }
    }
    for (String member : layout.etcdLocations()) {
      Endpoint listen = layout.etcdPeerAdvertised(member);
      Endpoint target = layout.etcdPeerListen(member);
      routes.add(
          new WanSpec.Route(
              WanSpec.BY_SOURCE, member, "etcd-peer", listen.port(), target.host(), target.port()));
    }
    return routes;
  }

  private WanSpec.Route route(String from, String to, String name, int listenOffset, int offset) {
    Endpoint target = layout.local(to, offset);
    return new WanSpec.Route(
        from, to, name, layout.wan(from, to, listenOffset).port(), target.host(), target.port());
  }

  /** The route's name for a component offset: the store's, or the component's; none if absent. */
  private static java.util.Optional<String> routeName(List<Store> stores, int offset) {
    for (Store s : stores) {
      if (LabLayout.offset(s.kind()) == offset) {
        return java.util.Optional.of(s.name());
      }
      if (s.kind() == StoreKind.NEO4J && offset == LabLayout.NEO4J_ADMIN) {
        return java.util.Optional.of(s.name() + "-admin");
      }
    }
    if (offset == LabLayout.ZONE_SOURCE
        && stores.stream().anyMatch(s -> s.kind() == StoreKind.POSTGRES && s.multiAz() != null)) {
      return java.util.Optional.of("postgres-source");
    }
    if (offset == LabLayout.OBJECTS_REPLICATOR
        && stores.stream().anyMatch(s -> s.kind() == StoreKind.OBJECTS)) {
      return java.util.Optional.of("objects-replicator");
    }
    return switch (offset) {
      case 30 -> java.util.Optional.of("observer");
      case LabLayout.EDGE_ROUTER_ADMIN -> java.util.Optional.of("router-admin");
      case 60 -> java.util.Optional.of("etcd-client");
      default -> java.util.Optional.empty();
    };
  }

  /** One-way latency of the link between two zones of a region (AWS: under a millisecond). */
  static final long ZONE_LATENCY_MILLIS = 1;

  /**
   * For each multi-AZ store (PostgreSQL, Redis) and region: the link between its two zones, a route
   * each way to the other zone's node over it, and the region endpoint at the store's address,
   * relayed to the writer zone's node first.
   */
  private void zones(
      List<Store> stores,
      List<WanSpec.Route> routes,
      List<WanSpec.ZoneLink> links,
      List<WanSpec.RegionEndpoint> endpoints) {
    for (Store store : stores) {
      for (String region : layout.regions()) {
        if (!zoned(store, region)) {
          continue;
        }
        io.summit.dr.topology.MultiAz multiAz = java.util.Objects.requireNonNull(store.multiAz());
        List<String> zones = List.of(multiAz.writerZone(region), multiAz.standbyZone(region));
        // one link per pair of zones, whichever stores cross it
        if (links.stream()
            .noneMatch(
                l ->
                    java.util.Set.of(l.a(), l.b())
                        .equals(java.util.Set.of(zones.get(0), zones.get(1))))) {
          links.add(new WanSpec.ZoneLink(zones.get(0), zones.get(1), ZONE_LATENCY_MILLIS));
        }
        StoreKind kind = store.kind();
        for (int i = 0; i < 2; i++) {
          Endpoint node = layout.zoneNode(kind, region, i);
          routes.add(
              new WanSpec.Route(
                  zones.get(1 - i),
                  zones.get(i),
                  store.name() + "-zone",
                  layout.zonePeer(kind, region, i).port(),
                  node.host(),
                  node.port()));
        }
        Endpoint at = layout.store(kind, region);
        endpoints.add(
            new WanSpec.RegionEndpoint(
                regionEndpointName(store, region),
                at.host(),
                at.port(),
                List.of(
                    layout.zoneNode(kind, region, 0).toString(),
                    layout.zoneNode(kind, region, 1).toString())));
        if (kind != StoreKind.POSTGRES) {
          continue; // Redis's cross-region replicas follow the region endpoint itself
        }
        // the replication source: the standby's node first (the replicas cascade from it)
        Endpoint source = layout.zoneSource(region);
        endpoints.add(
            new WanSpec.RegionEndpoint(
                regionEndpointName(store, region) + "-source",
                source.host(),
                source.port(),
                List.of(
                    layout.zoneNode(region, 1).toString(), layout.zoneNode(region, 0).toString())));
      }
    }
  }

  /** The region endpoint's name in the WAN daemon: {@code postgres-us-west-2}. */
  static String regionEndpointName(Store store, String region) {
    return store.name() + "-" + region;
  }

  private Path writeWanSpec(List<WanSpec.Route> given, List<Store> stores) {
    List<WanSpec.Route> routes = new ArrayList<>(given);
    List<WanSpec.ZoneLink> zoneLinks = new ArrayList<>();
    List<WanSpec.RegionEndpoint> endpoints = new ArrayList<>();
    zones(stores, routes, zoneLinks, endpoints);
    WanSpec spec =
        new WanSpec(
            layout.host(),
            layout.wanAdmin().port(),
            topology.lab().wanLatency().toMillis(),
            topology.lab().wanJitter().toMillis(),
            layout.locations(),
            etcd.sources(),
            routes,
            zoneLinks,
            endpoints);
    Path file = lab.dir().resolve("wan.json");
    Lab.writeSpec(file, spec);
    return file;
  }

  /**
   * Starts the WAN daemon as its own process (with {@code command}, or one from this process's
   * class path when null) and waits for its admin API.
   */
  private static List<String> wanArguments(Lab lab, Path spec) {
    List<String> args = new ArrayList<>(List.of("--spec", spec.toString()));
    args.addAll(AccessOptions.arguments(LabAccess.accessList(lab.dir()), null));
    args.addAll(LabTls.serverArguments(lab.dir(), "wan"));
    return args;
  }

  static long startWan(Lab lab, Path spec, LabLayout layout, @Nullable List<String> command) {
    long pid =
        OsProcesses.spawnDetached(
            command != null
                ? command
                : Lab.javaCommand(
                    lab.daemonClassPath(), Lab.wanMain().getName(), wanArguments(lab, spec)),
            lab.dir().resolve("wan.log"));
    WanClient client = lab.wan(layout);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!client.isUp()) {
      if (!OsProcesses.isAlive(pid)) {
        throw new LabException(
            "wan: the WAN daemon exited at start; see " + lab.dir().resolve("wan.log"));
      }
      if (System.nanoTime() > deadline) {
        throw new LabException(
            "wan: the WAN daemon did not answer within 30s; see " + lab.dir().resolve("wan.log"));
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
    return pid;
  }

  private void startPrimary(Store store) {
    startNode(store, store.primaryRegion(), null);
  }

  private void startReplica(Store store, String region) {
    startNode(
        store,
        region,
        store.kind() == StoreKind.POSTGRES && zoned(store, store.primaryRegion())
            ? layout.zoneSourceFrom(region, store.primaryRegion())
            : layout.wan(region, store.primaryRegion(), store.kind()));
  }

  /** One store node: a new primary when {@code upstream} is null, else a replica of it. */
  private void startNode(Store store, String region, @Nullable Endpoint upstream) {
    Endpoint endpoint = layout.store(store.kind(), region);
    if (store.kind() == StoreKind.NEO4J) {
      startNeo4j(store, region, endpoint, upstream);
      return;
    }
    if (store.kind() == StoreKind.POSTGRES && zoned(store, region)) {
      startZoneNodes(store, region, upstream);
      return;
    }
    if (store.kind() == StoreKind.REDIS && zoned(store, region)) {
      startRedisZoneNodes(store, region, upstream);
      return;
    }
    if (store.kind() == StoreKind.POSTGRES) {
      PostgresServer pg = postgres(region, endpoint);
      LongSupplier start =
          () -> {
            if (upstream == null) {
              pg.initPrimary();
            } else {
              pg.cloneFrom(upstream, Lab.slotName(region));
            }
            return pg.startServer();
          };
      step(store.name(), "postgres", region, endpoint, pg.dataDirectory(), pg.log(), start);
    } else {
      Path dir = regionDir(region).resolve("redis");
      RedisServer redis = new RedisServer(binaries, dir, endpoint);
      LongSupplier start =
          () -> {
            redis.configure(upstream);
            return redis.start(Duration.ofSeconds(20));
          };
      step(store.name(), "redis", region, endpoint, dir, redis.log(), start);
    }
  }

  /**
   * A region's Neo4j server, its own JVM from the neo4j jar; a replica pulls its primary's changes
   * from the primary's admin API through the WAN (three ports above the WAN Bolt address).
   */
  private void startNeo4j(Store store, String region, Endpoint bolt, @Nullable Endpoint upstream) {
    Path dir = regionDir(region).resolve("neo4j");
    Neo4jServer server =
        new Neo4jServer(
            dir,
            lab.dir().resolve(Lab.componentName("neo4j", region) + ".log"),
            bolt,
            layout.neo4jAdmin(region),
            LabTls.trust(lab.dir()));
    List<String> command =
        server.command(
            upstream == null ? null : Neo4jAdapter.adminThreeAbove(upstream),
            lab.dir().resolve("snapshots").resolve(store.name()),
            store.snapshotSchedule(),
            java.util.stream.Stream.concat(
                    io.summit.dr.access.AccessOptions.arguments(
                        LabAccess.accessList(lab.dir()), null, LabTls.caFile(lab.dir()))
                        .stream(),
                    LabTls.serverArguments(lab.dir(), "neo4j").stream())
                .toList());
    long t0 = System.nanoTime();
    step(
        store.name(),
        "neo4j",
        region,
        bolt,
        dir,
        server.log(),
        () -> OsProcesses.spawnDetached(command, server.log()));
    String name = Lab.componentName("neo4j", region);
    LabComponent c = state.component(name).orElseThrow().withCommand(command);
    state = state.with(c);
    lab.save(state);
    pendingNeo4j.add(new PendingNeo4j(server, c, t0));
  }

  private record PendingNeo4j(Neo4jServer server, LabComponent component, long startedNanos) {}

  private final List<PendingNeo4j> pendingNeo4j = new ArrayList<>();

  /** Waits for every Neo4j server spawned to answer on its admin API. */
  private void awaitNeo4j() {
    for (PendingNeo4j p : pendingNeo4j) {
      p.server().awaitHealthy(p.component().pid(), Duration.ofSeconds(180));
      progress.accept(
          String.format(
              Locale.ROOT,
              "  %-22s up after %.1fs",
              p.component().name(),
              (System.nanoTime() - p.startedNanos()) / 1e9));
    }
  }

  /**
   * A multi-AZ Redis store in {@code region}: the writer zone's node (a new primary, or the
   * cross-region replica of {@code upstream}, the primary region's endpoint through the WAN) and
   * the standby zone's node, a replica of the first through the zone link. The store's address is
   * the region endpoint, relayed to the writer zone's node until the region agent moves it.
   */
  private void startRedisZoneNodes(Store store, String region, @Nullable Endpoint upstream) {
    io.summit.dr.topology.MultiAz multiAz = java.util.Objects.requireNonNull(store.multiAz());
    List<String> zones = List.of(multiAz.writerZone(region), multiAz.standbyZone(region));
    for (int i = 0; i < 2; i++) {
      Endpoint node = layout.zoneNode(StoreKind.REDIS, region, i);
      Path dir = regionDir(region).resolve(zones.get(i) + "-redis");
      RedisServer redis = new RedisServer(binaries, dir, node);
      Endpoint replicaOf = i == 0 ? upstream : layout.zonePeer(StoreKind.REDIS, region, 0);
      step(
          store.name(),
          "redis",
          region,
          zones.get(i),
          node,
          dir,
          redis.log(),
          () -> {
            redis.configure(replicaOf);
            return redis.start(Duration.ofSeconds(20));
          });
    }
  }

  /** Whether {@code store} has a node in each of two zones of {@code region}. */
  static boolean zoned(Store store, String region) {
    return (store.kind() == StoreKind.POSTGRES || store.kind() == StoreKind.REDIS)
        && store.multiAz() != null
        && store.multiAz().zones().containsKey(region);
  }

  /**
   * A multi-AZ PostgreSQL store in {@code region}: the writer zone's node (a new primary, or the
   * cross-region replica of {@code upstream}) and the standby zone's node, a standby of the first
   * through the zone link (cascading, in a replica region). The store's address in the region is
   * the region endpoint, which the WAN daemon relays to the writer zone's node until the region
   * agent moves it. Commits wait for the standby's flush when the standby is synchronous.
   */
  private void startZoneNodes(Store store, String region, @Nullable Endpoint upstream) {
    io.summit.dr.topology.MultiAz multiAz = java.util.Objects.requireNonNull(store.multiAz());
    String writerZone = multiAz.writerZone(region);
    String standbyZone = multiAz.standbyZone(region);
    boolean synchronous = multiAz.standby() == io.summit.dr.topology.StandbyMode.SYNCHRONOUS;
    PostgresServer writer = zoneNode(region, writerZone, layout.zoneNode(region, 0));
    LongSupplier startWriter =
        () -> {
          if (upstream == null) {
            writer.initPrimary();
          } else {
            writer.cloneFrom(upstream, Lab.slotName(region));
          }
          writer.addSettings(zoneSettings(synchronous ? standbyZone : null));
          return writer.startServer();
        };
    step(
        store.name(),
        "postgres",
        region,
        writerZone,
        writer.endpoint(),
        writer.dataDirectory(),
        writer.log(),
        startWriter);
    PostgresServer standby = zoneNode(region, standbyZone, layout.zoneNode(region, 1));
    LongSupplier startStandby =
        () -> {
          standby.cloneFrom(layout.zonePeer(region, 0), Lab.slotName(standbyZone));
          return standby.startServer();
        };
    step(
        store.name(),
        "postgres",
        region,
        standbyZone,
        standby.endpoint(),
        standby.dataDirectory(),
        standby.log(),
        startStandby);
  }

  /**
   * The settings of a zone node: every commit waits for the standby's flush ({@code on}, the RDS
   * Multi-AZ model) when {@code synchronousStandby} is given, else none do; the region agent keeps
   * {@code synchronous_standby_names} from then on.
   */
  static String zoneSettings(@Nullable String synchronousStandby) {
    return "\n# summit-dr zone node: the in-region standby\n"
        + (synchronousStandby == null
            ? "synchronous_standby_names = ''\nsynchronous_commit = local\n"
            : "synchronous_standby_names = '\""
                + Lab.slotName(synchronousStandby)
                + "\"'\n"
                + "synchronous_commit = on\n");
  }

  private PostgresServer zoneNode(String region, String zone, Endpoint endpoint) {
    regionDir(region);
    Path home = lab.postgresDir();
    return new PostgresServer(
        binaries, home.resolve(zone + "-postgres"), home.resolve(zone + "-postgres.log"), endpoint);
  }

  /** A region's PostgreSQL node, its data and log where the postgres OS user reaches them. */
  private PostgresServer postgres(String region, Endpoint endpoint) {
    Path home = lab.postgresDir();
    return new PostgresServer(
        binaries,
        home.resolve(region + "-postgres"),
        home.resolve(region + "-postgres.log"),
        endpoint);
  }

  Path regionDir(String region) {
    Path d = lab.dir().resolve(region);
    try {
      Files.createDirectories(d);
      OsProcesses.run(List.of("chmod", "755", d.toString()), Duration.ofSeconds(5));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return d;
  }

  private void step(
      String store,
      String kind,
      String region,
      Endpoint endpoint,
      Path dir,
      Path log,
      LongSupplier start) {
    step(store, kind, region, region, endpoint, dir, log, start);
  }

  /** One component; {@code place} is its region, or its zone for a zone's node. */
  private void step(
      String store,
      String kind,
      String region,
      String place,
      Endpoint endpoint,
      Path dir,
      Path log,
      LongSupplier start) {
    long t0 = System.nanoTime();
    String name = Lab.componentName(kind, place);
    long pid = start.getAsLong();
    state =
        state.with(
            new LabComponent(
                name,
                kind,
                region,
                pid,
                endpoint.host(),
                endpoint.port(),
                dir.toString(),
                log.toString()));
    lab.save(state);
    progress.accept(
        String.format(
            Locale.ROOT,
            "  %-22s %-9s %-16s pid %-7d %5.1fs%s",
            name,
            region,
            endpoint,
            pid,
            (System.nanoTime() - t0) / 1e9,
            kind.equals("wan") ? "" : "  (" + store + ")"));
  }
}
