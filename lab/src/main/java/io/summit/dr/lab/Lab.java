package io.summit.dr.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.lab.process.Binaries;
import io.summit.dr.lab.process.LabException;
import io.summit.dr.lab.process.OsProcesses;
import io.summit.dr.lab.process.PostgresServer;
import io.summit.dr.lab.process.RedisServer;
import io.summit.dr.lab.wan.WanClient;
import io.summit.dr.lab.wan.WanDaemon;
import io.summit.dr.lab.wan.WanSpec;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.objects.ObjectsAdapter;
import io.summit.dr.replication.objects.S3Clients;
import io.summit.dr.replication.postgres.PostgresAdapter;
import io.summit.dr.replication.redis.RedisAdapter;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A two-region lab on this machine, kept in a lab directory: real PostgreSQL and Redis servers per
 * region, the secondary's streaming from the primary's through a WAN daemon that adds latency and
 * can be cut. Every method works from any process: the directory's {@code state.json} records each
 * component's PID, ports and files, so {@code lab down} in another shell stops exactly what {@code
 * lab up} started.
 *
 * <p>Lab locations: one per region, {@code witness} (the third etcd member) and {@code edge} (the
 * WAN daemon, the router, the orchestrator), with a WAN link between every pair (see {@link
 * LabLayout}). Killing a region is a real SIGKILL of its processes (its etcd member included) plus
 * cutting its links. Each fault returns a {@link Fault} with the instant it took effect.
 *
 * <p>Not thread-safe: one lab command at a time per directory.
 */
public final class Lab {
  static final String SUPPORTED_KINDS = "postgres, redis, neo4j and objects";

  private final Path dir;
  private final Clock clock;
  // Whose token the store adapters send where a store's control API takes one (Neo4j's admin API).
  private final String caller;
  private @Nullable Topology topology;

  private Lab(Path dir, Clock clock, String caller) {
    this.dir = dir.toAbsolutePath().normalize();
    this.clock = clock;
    this.caller = caller;
  }

  /** The lab in {@code dir}, acting as the lab's operator ({@link LabAccess#OPERATOR}). */
  public static Lab at(Path dir) {
    return new Lab(dir, Clock.systemUTC(), LabAccess.OPERATOR);
  }

  /** The same lab, its store adapters acting as {@code caller} (one of {@link LabAccess}'s). */
  public Lab as(String caller) {
    return new Lab(dir, clock, caller);
  }

  public Path dir() {
    return dir;
  }

  public Optional<LabState> state() {
    return LabState.read(dir);
  }

  /** The recorded state; the lab must be up. */
  public LabState requireState() {
    return refreshedState()
        .orElseThrow(
            () -> new LabException("no lab in " + dir + ": start one with 'summit-dr lab up'"));
  }

  public Topology topology() {
    Topology t = topology;
    if (t == null) {
      t = TopologyLoader.load(Path.of(requireState().config()));
      topology = t;
    }
    return t;
  }

  public LabLayout layout() {
    return LabLayout.of(topology());
  }

  /** Whether every recorded component is alive. */
  public boolean isUp() {
    return refreshedState()
        .map(s -> s.components().stream().allMatch(c -> OsProcesses.isAlive(c.pid())))
        .orElse(false);
  }

  /**
   * Brings back a lab that is partly down (a region a fault or a drill killed): heals every WAN
   * link and restarts each component that is not running, in the waves of {@link #restartWaves}.
   *
   * @return the names of the components restarted; empty when every one was running (then the links
   *     are left as they are)
   */
  public List<String> restartStopped() {
    List<LabComponent> stopped =
        requireState().components().stream().filter(c -> !OsProcesses.isAlive(c.pid())).toList();
    if (!stopped.isEmpty()) {
      heal();
      // Neo4j (a JVM that takes 8-17 s to open its database) comes back alongside the waves and
      // is awaited last: nothing else waits for it at start (an agent retries a store it cannot
      // reach, and a service instance's readiness asks PostgreSQL and Redis only).
      Map<String, CompletableFuture<LabComponent>> slow =
          startAll(
              stopped.stream().filter(c -> BACKGROUND.contains(c.kind())).map(LabComponent::name));
      try {
        for (List<String> wave :
            restartWaves(stopped.stream().filter(c -> !BACKGROUND.contains(c.kind())).toList())) {
          awaitAll(startAll(wave.stream()));
        }
      } finally {
        awaitAll(slow);
      }
    }
    markRunningZonesUp();
    return stopped.stream().map(LabComponent::name).toList();
  }

  /**
   * Tells each region's cluster that the zones whose store nodes all run again are up (a {@code
   * kill-zone} marked them down); a cluster that does not answer is left as it is.
   */
  private void markRunningZonesUp() {
    for (String zone : labZones()) {
      List<LabComponent> nodes = zoneComponents(zone);
      if (!nodes.isEmpty() && nodes.stream().allMatch(c -> OsProcesses.isAlive(c.pid()))) {
        regionOfZone(zone).flatMap(this::clusterOf).ifPresent(c -> markZone(c, zone, false));
      }
    }
  }

  /**
   * The order in which stopped components come back: the stores, etcd and the WAN first, then the
   * daemons that use them, the service clusters last (as {@code lab up} starts them); the
   * components of one wave start together. Neo4j's start alone takes 12-17 s (see {@link
   * #restartStopped}).
   */
  static List<List<String>> restartWaves(List<LabComponent> components) {
    List<String> first = new ArrayList<>();
    List<String> daemons = new ArrayList<>();
    List<String> clusters = new ArrayList<>();
    for (LabComponent c : components) {
      (FIRST_WAVE.contains(c.kind()) ? first : c.kind().equals("cluster") ? clusters : daemons)
          .add(c.name());
    }
    return Stream.of(first, daemons, clusters).filter(w -> !w.isEmpty()).toList();
  }

  private static final java.util.Set<String> FIRST_WAVE =
      java.util.Set.of("wan", "etcd", "postgres", "redis", "neo4j", LabObjects.KIND);

  /** Kinds restarted alongside the waves rather than in one (see {@link #restartStopped}). */
  static final java.util.Set<String> BACKGROUND = java.util.Set.of("neo4j");

  /** Starts a restart of each of {@code names}, each on its own thread. */
  private Map<String, CompletableFuture<LabComponent>> startAll(Stream<String> names) {
    Map<String, CompletableFuture<LabComponent>> started = new java.util.LinkedHashMap<>();
    names.forEach(
        n -> {
          CompletableFuture<LabComponent> f = new CompletableFuture<>();
          Thread.ofVirtual()
              .name("restart-" + n)
              .start(
                  () -> {
                    try {
                      f.complete(restart(n));
                    } catch (RuntimeException e) {
                      f.completeExceptionally(e);
                    }
                  });
          started.put(n, f);
        });
    return started;
  }

  /** Waits for every restart in {@code started}; the first failure is thrown, the rest added. */
  private static void awaitAll(Map<String, CompletableFuture<LabComponent>> started) {
    RuntimeException failed = null;
    for (var e : started.entrySet()) {
      try {
        e.getValue().join();
      } catch (java.util.concurrent.CompletionException x) {
        RuntimeException cause =
            x.getCause() instanceof RuntimeException r ? r : new LabException(e.getKey(), x);
        if (failed == null) {
          failed = cause;
        } else {
          failed.addSuppressed(cause);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  /**
   * Starts the lab described by {@code config}, one progress line per component, from empty data
   * directories (the data a stopped lab left is removed). Does nothing but say so when the lab is
   * already up.
   *
   * @return false when the lab was already up
   * @throws LabException when a program is missing, a port is taken or a server fails to start;
   *     what had started is stopped again
   */
  public boolean up(Path config, Consumer<String> progress) {
    return up(config, progress, kind -> true);
  }

  /**
   * As {@link #up(Path, Consumer)}, starting of the daemons that capabilities add ({@link
   * LabExtension}) only those whose kind {@code daemons} accepts, and the etcd cluster only when it
   * accepts {@code "etcd"}: a lab of stores and WAN alone takes {@code kind -> false}, one with the
   * coordination store but no control plane {@code kind -> kind.equals("etcd")}.
   */
  public boolean up(Path config, Consumer<String> progress, Predicate<String> daemons) {
    Topology topology = TopologyLoader.load(config);
    Optional<LabState> existing = state();
    if (existing.isPresent()) {
      long alive =
          existing.get().components().stream().filter(c -> OsProcesses.isAlive(c.pid())).count();
      if (alive == existing.get().components().size()) {
        progress.accept("lab: already up in " + dir + " (" + alive + " components); nothing to do");
        return false;
      }
      throw new LabException(
          "lab: "
              + dir
              + " holds a lab with "
              + alive
              + " of "
              + existing.get().components().size()
              + " components alive: restart them with 'summit-dr lab fault restart COMPONENT', or run"
              + " 'summit-dr lab down' first");
    }
    List<Store> unsupported =
        topology.stores().stream()
            .filter(
                s ->
                    s.kind() != StoreKind.POSTGRES
                        && s.kind() != StoreKind.REDIS
                        && s.kind() != StoreKind.NEO4J
                        && s.kind() != StoreKind.OBJECTS)
            .toList();
    if (!unsupported.isEmpty()) {
      progress.accept(
          "lab: note: the lab runs "
              + SUPPORTED_KINDS
              + " for now; not started: "
              + unsupported.stream().map(Store::name).toList());
    }
    Binaries binaries = Binaries.find();
    prepareDirectory();
    clearPreviousData(topology, progress);
    LabUp starter =
        new LabUp(this, topology, config.toAbsolutePath().normalize(), binaries, progress, daemons);
    try {
      starter.run();
      return true;
    } catch (RuntimeException e) {
      progress.accept("lab: start failed (" + e.getMessage() + "); stopping what had started");
      down(false, progress);
      throw e;
    }
  }

  /**
   * Creates the lab directory as the user asked for it (nothing loosened: what the {@code postgres}
   * OS user must reach goes to {@link #postgresDir()} instead) and that directory, empty.
   */
  private void prepareDirectory() {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PostgresDirectory.prepare(dir);
  }

  /**
   * Where this lab's PostgreSQL data directories and logs live: outside the lab directory, in a
   * directory of the {@code postgres} OS user (see {@link PostgresDirectory}).
   */
  public Path postgresDir() {
    return PostgresDirectory.of(dir);
  }

  /** A stopped lab keeps its data and logs for inspection; a new one starts from nothing. */
  private void clearPreviousData(Topology topology, Consumer<String> progress) {
    deleteTree(dir.resolve("lib"));
    for (String region : LabLayout.of(topology).locations()) {
      Path old = dir.resolve(region);
      if (Files.exists(old)) {
        progress.accept("lab: removing the data of a previous lab in " + old);
        deleteTree(old);
      }
    }
  }

  /**
   * The recorded state with each PostgreSQL component's PID read from its {@code postmaster.pid}: a
   * rejoin restarts the server under a new PID, and this keeps the record true (and saved).
   */
  private Optional<LabState> refreshedState() {
    Optional<LabState> recorded = state();
    if (recorded.isEmpty()) {
      return recorded;
    }
    LabState s = recorded.get();
    if (withPostgresPids(s) == s) {
      return recorded;
    }
    return Optional.of(update(this::withPostgresPids));
  }

  private LabState withPostgresPids(LabState s) {
    LabState refreshed = s;
    for (LabComponent c : s.components()) {
      if (c.kind().equals("postgres")) {
        java.util.OptionalLong pid = postgresServer(c).pid();
        if (pid.isPresent() && pid.getAsLong() != c.pid()) {
          refreshed = refreshed.with(c.withPid(pid.getAsLong()));
        }
      }
    }
    return refreshed;
  }

  void save(LabState state) {
    update(old -> state);
  }

  /**
   * Changes the recorded state: reads it, applies {@code change} and writes the result, holding an
   * exclusive lock on {@code state.lock} meanwhile. Several processes change the record (a drill
   * restarting components, the orchestrator noting a PostgreSQL server's new PID): without the lock
   * one's change could be written over by another's older copy.
   */
  LabState update(java.util.function.UnaryOperator<LabState> change) {
    // A file lock is held by the whole JVM: two threads of one process (an orchestrator's lag
    // monitor and a plan step) locking it at once got OverlappingFileLockException. They queue on
    // an in-process lock first.
    java.util.concurrent.locks.ReentrantLock local =
        IN_PROCESS.computeIfAbsent(
            dir.toAbsolutePath().normalize(), d -> new java.util.concurrent.locks.ReentrantLock());
    local.lock();
    try {
      return updateLocked(change);
    } finally {
      local.unlock();
    }
  }

  private static final java.util.concurrent.ConcurrentMap<
          Path, java.util.concurrent.locks.ReentrantLock>
      IN_PROCESS = new java.util.concurrent.ConcurrentHashMap<>();

  private LabState updateLocked(java.util.function.UnaryOperator<LabState> change) {
    try (java.nio.channels.FileChannel lock =
            java.nio.channels.FileChannel.open(
                dir.resolve("state.lock"),
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock held = lock.lock()) {
      LabState current = state().orElse(new LabState("", "", List.of()));
      LabState next = change.apply(current);
      if (next != current) {
        next.write(dir);
      }
      return next;
    } catch (IOException e) {
      throw new LabException(dir + ": cannot lock the lab state: " + e.getMessage(), e);
    }
  }

  /**
   * Stops every recorded process (SIGINT to PostgreSQL, SIGTERM to the rest, SIGKILL to what is
   * left after the grace time) and forgets them; {@code purge} also deletes the data.
   */
  public void down(boolean purge, Consumer<String> progress) {
    Optional<LabState> state = refreshedState();
    if (state.isEmpty()) {
      progress.accept("lab: nothing recorded in " + dir + "; nothing to stop");
    } else {
      List<LabComponent> reversed = new ArrayList<>(state.get().components());
      java.util.Collections.reverse(reversed);
      // All at once: each server's shutdown (a Redis primary waits for its replicas) overlaps.
      List<Thread> stopping = new ArrayList<>();
      for (LabComponent c : reversed) {
        boolean alive = OsProcesses.isAlive(c.pid());
        String signal = c.kind().equals("postgres") ? "INT" : "TERM";
        stopping.add(
            Thread.ofVirtual()
                .start(() -> OsProcesses.stop(c.pid(), signal, Duration.ofSeconds(10))));
        progress.accept(
            String.format(
                Locale.ROOT,
                "  %-22s %s",
                c.name(),
                alive ? "stopping (pid " + c.pid() + ")" : "was not running"));
      }
      for (Thread t : stopping) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LabException("lab: interrupted while stopping", e);
        }
      }
      progress.accept("lab: stopped");
      deleteQuietly(dir.resolve(LabState.FILE));
    }
    if (purge) {
      deleteTree(dir);
      PostgresDirectory.remove(dir);
      progress.accept("lab: removed " + dir + " and " + postgresDir());
    }
  }

  /**
   * SIGKILL to every process of the region (its etcd member included), and its WAN links cut.
   *
   * @see #crashRegion(String)
   */
  public List<LabComponent> killRegion(String region) {
    return crashRegion(region).killed();
  }

  /**
   * SIGKILL to every process whose location is {@code region} (stores, its etcd member, daemons),
   * and every WAN link of the region cut at once.
   *
   * @return the fault, taking effect when the links were cut (before the kills)
   */
  public Fault crashRegion(String region) {
    LabState s = requireState();
    LabLayout layout = layout();
    layout.index(region);
    WanClient wan = wan(layout);
    List<LabComponent> killed =
        s.components().stream().filter(c -> c.region().equals(region)).toList();
    // Every process of the region, found before anything happens (listing descendants walks
    // /proc), so that the links are cut and every process is SIGKILLed within milliseconds: one
    // kill after another let the region's primary acknowledge writes for a third of a second
    // after its replication link was cut.
    List<ProcessHandle> processes = processesOf(killed);
    wan.isolate(region);
    java.time.Instant cut = clock.instant();
    processes.forEach(ProcessHandle::destroyForcibly);
    killed.forEach(c -> OsProcesses.awaitExit(c.pid(), Duration.ofSeconds(5)));
    return record(new Fault("kill-region " + region, cut, killed));
  }

  /** The region of {@code zone}, when a multi-AZ store has a node there. */
  private Optional<String> regionOfZone(String zone) {
    return topology().stores().stream()
        .filter(st -> st.multiAz() != null)
        .flatMap(st -> st.multiAz().zones().entrySet().stream())
        .filter(e -> e.getValue().contains(zone))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  private List<String> labZones() {
    return topology().stores().stream()
        .filter(st -> st.multiAz() != null)
        .flatMap(st -> st.multiAz().zones().values().stream())
        .flatMap(List::stream)
        .distinct()
        .sorted()
        .toList();
  }

  private String requireZone(String argument, String zone) {
    return regionOfZone(zone)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    argument
                        + ": '"
                        + zone
                        + "' (expected: a zone that holds a multi-AZ store's node, one of "
                        + (labZones().isEmpty() ? "none in this lab's topology" : labZones())
                        + ")"));
  }

  /** The components that run in {@code zone}: the zone's store nodes ({@code postgres-ZONE}). */
  private List<LabComponent> zoneComponents(String zone) {
    return requireState().components().stream().filter(c -> c.name().endsWith("-" + zone)).toList();
  }

  /**
   * SIGKILL to every process of {@code zone} at once: its store nodes and the service instances its
   * region's cluster runs there; the region's other zone, its agent, etcd member and cluster run
   * on. The cluster is first told the zone is down, so that it places the killed instances'
   * replacements in the other zone (as EKS reschedules pods away from a lost zone's nodes).
   */
  public Fault crashZone(String zone) {
    String region = requireZone("ZONE", zone);
    List<LabComponent> killed = zoneComponents(zone);
    Optional<LabComponent> cluster = clusterOf(region);
    String marked = cluster.map(c -> markZone(c, zone, true)).orElse("");
    List<ProcessHandle> processes = new ArrayList<>(processesOf(killed));
    List<ProcessHandle> instances = cluster.map(c -> zoneInstances(c, zone)).orElse(List.of());
    processes.addAll(instances);
    java.time.Instant at = clock.instant();
    processes.forEach(ProcessHandle::destroyForcibly);
    killed.forEach(c -> OsProcesses.awaitExit(c.pid(), Duration.ofSeconds(5)));
    instances.forEach(h -> OsProcesses.awaitExit(h.pid(), Duration.ofSeconds(5)));
    return record(
        new Fault(
            "kill-zone "
                + zone
                + (cluster.isEmpty()
                    ? ""
                    : " (and " + instances.size() + " service instances" + marked + ")"),
            at,
            killed));
  }

  /** Starts the stopped processes of {@code zone} again; its cluster may place instances there. */
  public List<LabComponent> restartZone(String zone) {
    String region = requireZone("ZONE", zone);
    List<LabComponent> started = zoneComponents(zone).stream().map(c -> restart(c.name())).toList();
    clusterOf(region).ifPresent(c -> markZone(c, zone, false));
    return started;
  }

  private Optional<LabComponent> clusterOf(String region) {
    return requireState().components().stream()
        .filter(c -> c.kind().equals("cluster") && c.region().equals(region))
        .findFirst();
  }

  /** The service instances {@code cluster} runs in {@code zone}, found by their arguments. */
  private static List<ProcessHandle> zoneInstances(LabComponent cluster, String zone) {
    return ProcessHandle.of(cluster.pid()).stream()
        .flatMap(ProcessHandle::descendants)
        .filter(
            h ->
                h.info()
                    .arguments()
                    .map(
                        a ->
                            io.summit.dr.lab.cluster.RegionCluster.runsInZone(
                                java.util.Arrays.asList(a), zone))
                    .orElse(false))
        .toList();
  }

  /**
   * Tells {@code cluster} that {@code zone} is down (or up again), with the orchestrator's operator
   * token; returns "" or, when the cluster did not take it, why (the fault goes on regardless).
   */
  private String markZone(LabComponent cluster, String zone, boolean down) {
    try (var api = api(cluster, LabAccess.ORCHESTRATOR)) {
      api.send("PUT", "/v1/zones/" + zone, Map.of("down", down));
      return "";
    } catch (IOException e) {
      return "; the cluster did not mark the zone down: " + e.getMessage();
    }
  }

  /**
   * A client of {@code c}'s control API with {@code caller}'s token (when the lab has credentials)
   * and the lab's trust (when {@code c} listens with TLS), for one call: close it.
   */
  private io.summit.dr.access.ApiClient api(LabComponent c, String caller) {
    return new io.summit.dr.access.ApiClient(
        c.name(),
        LabTls.base(c),
        LabAccess.token(dir, caller),
        LabTls.trustFor(c),
        Duration.ofSeconds(2));
  }

  /** Cuts the link between two zones of one region (both stay up). */
  public Fault partitionZones(String a, String b) {
    String regionA = requireZone("ZONE_A", a);
    String regionB = requireZone("ZONE_B", b);
    if (a.equals(b) || !regionA.equals(regionB)) {
      throw new IllegalArgumentException(
          "ZONE_B: '"
              + b
              + "' (expected: the other zone of "
              + regionA
              + ", not "
              + (a.equals(b) ? "ZONE_A itself" : "a zone of " + regionB)
              + ")");
    }
    wan(layout()).cut(a, b);
    return record(Fault.link("partition " + a + " " + b, clock.instant()));
  }

  /** Whether {@code name} is a zone of this lab's multi-AZ stores. */
  public boolean isZone(String name) {
    return state().isPresent() && regionOfZone(name).isPresent();
  }

  /** The live processes of {@code components} and their descendants. */
  private static List<ProcessHandle> processesOf(List<LabComponent> components) {
    List<ProcessHandle> processes = new java.util.ArrayList<>();
    for (LabComponent c : components) {
      ProcessHandle.of(c.pid())
          .ifPresent(
              h -> {
                processes.add(h);
                processes.addAll(h.descendants().toList());
              });
    }
    return processes;
  }

  /** Cuts the link between two locations (both stay up). */
  public Fault partition(String a, String b) {
    if (isZone(a) || isZone(b)) {
      return partitionZones(a, b);
    }
    LabLayout layout = layout();
    layout.locationIndex("LOCATION_A", a);
    layout.locationIndex("LOCATION_B", b);
    if (a.equals(b)) {
      throw new IllegalArgumentException(
          "LOCATION_B: '" + b + "' is LOCATION_A too (expected: two different locations)");
    }
    wan(layout).cut(a, b);
    return record(Fault.link("partition " + a + " " + b, clock.instant()));
  }

  /** Cuts every link of {@code location} at once: it keeps running, cut off from the others. */
  public Fault isolate(String location) {
    LabLayout layout = layout();
    layout.locationIndex("LOCATION", location);
    wan(layout).isolate(location);
    return record(Fault.link("isolate " + location, clock.instant()));
  }

  /** Restores every link at its configured latency. */
  public Fault heal() {
    wan(layout()).heal();
    return record(Fault.link("heal", clock.instant()));
  }

  public void slowLink(String a, String b, Duration latency) {
    LabLayout layout = layout();
    layout.locationIndex("LOCATION_A", a);
    layout.locationIndex("LOCATION_B", b);
    if (a.equals(b)) {
      throw new IllegalArgumentException(
          "LOCATION_B: '" + b + "' is LOCATION_A too (expected: two different locations)");
    }
    wan(layout).latency(a, b, latency);
  }

  /** SIGKILL to one component. */
  public LabComponent kill(String name) {
    return killComponent(name).killed().get(0);
  }

  /** The name by which a fault targets whichever orchestrator replica leads at that moment. */
  public static final String ORCHESTRATOR_LEADER = "orchestrator-leader";

  /**
   * SIGKILL to one component ({@code etcd-witness}, {@code postgres-us-west-2}..., or {@value
   * #ORCHESTRATOR_LEADER} for the replica that leads now).
   *
   * @return the fault, taking effect when the signal was sent
   */
  public Fault killComponent(String name) {
    LabComponent c =
        name.equals(ORCHESTRATOR_LEADER)
            ? orchestratorLeader()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "component: orchestrator-leader: no orchestrator replica leads now"))
            : component(name);
    OsProcesses.kill(c.pid());
    java.time.Instant killed = clock.instant();
    OsProcesses.awaitExit(c.pid(), Duration.ofSeconds(5));
    return record(new Fault("kill " + name, killed, List.of(c)));
  }

  /** Appends the fault to {@code faults.log} (best effort: the fault happened either way). */
  private Fault record(Fault f) {
    try {
      Files.writeString(
          dir.resolve("faults.log"),
          f.tookEffect() + " " + f.description() + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      // Not recorded; the caller still gets the instant.
    }
    return f;
  }

  /** Starts a stopped component again from its own files; an alive one is left alone. */
  public LabComponent restart(String name) {
    LabComponent c = component(name);
    if (OsProcesses.isAlive(c.pid())) {
      return c;
    }
    long pid =
        switch (c.kind()) {
          case "postgres" -> postgresServer(c).startServer();
          case "redis" ->
              new RedisServer(Binaries.find(), Path.of(c.dir()), new Endpoint(c.host(), c.port()))
                  .start(Duration.ofSeconds(20));
          case "wan" ->
              LabUp.startWan(this, Path.of(c.dir()).resolve("wan.json"), layout(), c.command());
          case LabObjects.KIND ->
              LabObjects.server(layout(), Path.of(c.dir()), c.region())
                  .start(Duration.ofSeconds(90));
          case "neo4j" ->
              neo4jServer(c)
                  .start(
                      java.util.Objects.requireNonNull(c.command(), name + ": no command recorded"),
                      Duration.ofSeconds(180));
          default -> {
            if (c.command() == null) {
              throw new LabException(name + ": cannot restart a component of kind " + c.kind());
            }
            long spawned = OsProcesses.spawnDetached(c.command(), Path.of(c.log()));
            LabComponent started = c.withPid(spawned);
            update(s -> s.with(started));
            awaitHealthy(started, Duration.ofSeconds(60));
            yield spawned;
          }
        };
    LabComponent restarted = c.withPid(pid);
    update(s -> s.with(restarted));
    return restarted;
  }

  /**
   * The component called {@code name}; for a multi-AZ store's region ({@code postgres-us-west-2}),
   * the zone node its region endpoint leads to now.
   */
  public LabComponent component(String name) {
    LabState s = requireState();
    return s.component(name)
        .or(() -> regionEndpointNode(name))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "component: '"
                        + name
                        + "' (expected: one of "
                        + String.join(
                            ", ", s.components().stream().map(LabComponent::name).toList())
                        + ")"));
  }

  /** The local control of the lab's PostgreSQL node at {@code address} (its own address). */
  public Optional<io.summit.dr.replication.postgres.PostgresControl> postgresControl(
      Endpoint address) {
    return requireState().components().stream()
        .filter(
            c ->
                c.kind().equals("postgres")
                    && c.host().equals(address.host())
                    && c.port() == address.port())
        .findFirst()
        .map(this::postgresServer);
  }

  PostgresServer postgresServer(LabComponent c) {
    return new PostgresServer(
        Binaries.find(), Path.of(c.dir()), Path.of(c.log()), new Endpoint(c.host(), c.port()));
  }

  /** A region's Neo4j server as recorded (its admin API three ports above its Bolt port). */
  public io.summit.dr.lab.process.Neo4jServer neo4jServer(LabComponent c) {
    return new io.summit.dr.lab.process.Neo4jServer(
        Path.of(c.dir()),
        Path.of(c.log()),
        new Endpoint(c.host(), c.port()),
        io.summit.dr.replication.neo4j.Neo4jAdapter.adminThreeAbove(
            new Endpoint(c.host(), c.port())),
        LabTls.trustFor(c));
  }

  /** The adapter of a store component ({@code postgres-us-east-1}); the caller closes it. */
  public StoreAdapter adapter(String name) {
    return adapter(name, Duration.ofSeconds(2));
  }

  /** The adapter of a store component, with {@code timeout} for each of its connections. */
  public StoreAdapter adapter(String name, Duration timeout) {
    LabComponent c = component(name);
    return adapter(name, timeout, new Endpoint(c.host(), c.port()));
  }

  /**
   * The adapter of a store component reached at {@code via} (the WAN address by which another
   * location reaches it), with {@code timeout} for each of its connections.
   */
  public StoreAdapter adapter(String name, Duration timeout, Endpoint via) {
    LabState s = requireState();
    // A multi-AZ store's region has no node of its own name: its address is the region endpoint,
    // and the node it leads to now (the writer zone's) is the one controlled. The slot stays the
    // region's (the cross-region replica's on the other region's writer).
    LabComponent c = component(name);
    Endpoint endpoint = via;
    String id = c.kind() + "@" + c.region();
    String slot =
        s.component(name).isPresent()
            ? slotName(c.name().substring(c.kind().length() + 1))
            : slotName(c.region());
    return switch (c.kind()) {
      case "postgres" ->
          new PostgresAdapter(
              id, endpoint, slot, postgresServer(c), clock, timeout, layout()::direct);
      case "redis" -> new RedisAdapter(id, endpoint, clock, timeout, layout()::direct);
      case LabObjects.KIND -> objectsAdapter(c, id, endpoint, timeout);
      case "neo4j" ->
          new io.summit.dr.replication.neo4j.Neo4jAdapter(
              id,
              endpoint,
              io.summit.dr.replication.neo4j.Neo4jAdapter::adminThreeAbove,
              clock,
              timeout,
              LabAccess.token(dir, caller),
              LabTls.trustFor(c));
      default ->
          throw new IllegalArgumentException(
              "component: '" + name + "' is a " + c.kind() + " (expected: a store)");
    };
  }

  /**
   * The adapter of a region's bucket, reached at {@code via}; the other regions' replicators (whose
   * figures give its lag) reached from the same location as {@code via}.
   */
  private StoreAdapter objectsAdapter(LabComponent c, String id, Endpoint via, Duration timeout) {
    LabLayout layout = layout();
    Store store =
        topology().stores().stream()
            .filter(s -> s.kind() == StoreKind.OBJECTS && s.involves(c.region()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "component: '" + c.name() + "' belongs to no store of kind objects"));
    Optional<String> from = layout.wanSource(via);
    List<Endpoint> replicators =
        layout.regions().stream()
            .filter(r -> !r.equals(c.region()) && store.involves(r))
            .map(
                r ->
                    from.isPresent()
                        ? layout.objectsReplicatorFrom(from.get(), r)
                        : layout.objectsReplicator(r))
            .toList();
    return new ObjectsAdapter(
        id,
        c.region(),
        S3Clients.at(via, timeout),
        store.objectRule().bucket(c.region()),
        replicators,
        clock,
        timeout,
        LabAccess.token(dir, caller),
        LabTls.scheme(dir, "objects-replicator").equals("https") ? LabTls.trust(dir) : null);
  }

  /**
   * The zone node a region endpoint ({@code postgres-us-west-2}, a multi-AZ store's region) leads
   * to now, as the WAN daemon says; empty when {@code name} is no region endpoint.
   */
  Optional<LabComponent> regionEndpointNode(String name) {
    LabState s = requireState();
    if (s.components().stream().noneMatch(c -> c.kind().equals("wan"))) {
      return Optional.empty();
    }
    String target;
    try {
      com.fasterxml.jackson.databind.JsonNode endpoints = JSON.readTree(wan(layout()).endpoints());
      target = null;
      for (com.fasterxml.jackson.databind.JsonNode e : endpoints) {
        if (e.path("name").asText().equals(name)) {
          target = e.path("target").asText();
        }
      }
    } catch (IOException | LabException e) {
      return Optional.empty();
    }
    if (target == null) {
      return Optional.empty();
    }
    String at = target;
    return s.components().stream()
        .filter(c -> (c.host() + ":" + c.port()).equals(at) && STORE_KINDS.contains(c.kind()))
        .findFirst();
  }

  /** The multi-AZ stores' regions: store name and region, for each region a store has zones in. */
  private List<Map.Entry<Store, String>> zonedRegions() {
    List<Map.Entry<Store, String>> out = new ArrayList<>();
    for (Store st : topology().stores()) {
      if (st.multiAz() != null) {
        new java.util.TreeSet<>(st.multiAz().zones().keySet())
            .forEach(r -> out.add(Map.entry(st, r)));
      }
    }
    return out;
  }

  /**
   * The zone whose node the first multi-AZ store's region endpoint in {@code region} leads to now
   * (the writer zone); empty when the region has no multi-AZ store.
   */
  public Optional<String> writerZone(String region) {
    for (Map.Entry<Store, String> e : zonedRegions()) {
      if (e.getValue().equals(region)) {
        return regionEndpointNode(e.getKey().name() + "-" + region)
            .map(c -> c.name().substring(c.kind().length() + 1));
      }
    }
    return Optional.empty();
  }

  /** Which zone's node each multi-AZ store of {@code region} writes on now, in one line. */
  public String zoneFailovers(String region) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<Store, String> e : zonedRegions()) {
      if (e.getValue().equals(region)) {
        String name = e.getKey().name() + "-" + region;
        parts.add(
            name
                + " leads to "
                + regionEndpointNode(name).map(LabComponent::name).orElse("no known node"));
      }
    }
    return String.join(", ", parts);
  }

  /**
   * What keeps the service clusters from serving from every zone: one rebalancing its instances
   * after a zone's return, or with zones marked down. Empty when none is (or there are none).
   */
  public List<String> zoneSpreadProblems() {
    List<String> problems = new ArrayList<>();
    for (LabComponent c : requireState().components()) {
      if (!c.kind().equals("cluster")) {
        continue;
      }
      try (var api = api(c, LabAccess.ORCHESTRATOR)) {
        com.fasterxml.jackson.databind.JsonNode view = api.get("/v1/cluster");
        if (view.path("rebalancing").asBoolean()) {
          problems.add(c.name() + ": rebalancing its instances over the zones");
        } else if (view.path("zones_down").size() > 0) {
          problems.add(c.name() + ": zones marked down " + view.path("zones_down"));
        }
      } catch (IOException e) {
        problems.add(c.name() + ": " + e.getMessage());
      }
    }
    return problems;
  }

  /**
   * What keeps the multi-AZ stores from having both zones serving: for each region, the node behind
   * the region endpoint must have the other zone's node streaming from it, and, for a synchronous
   * standby of a primary, synchronously. Empty when all are.
   */
  public List<String> zoneStandbyProblems() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<Store, String> e : zonedRegions()) {
      Store st = e.getKey();
      String region = e.getValue();
      String name = st.name() + "-" + region;
      Optional<LabComponent> writer = regionEndpointNode(name);
      if (writer.isEmpty()) {
        problems.add(name + ": no node behind the region endpoint");
        continue;
      }
      String writerZone = writer.get().name().substring(writer.get().kind().length() + 1);
      io.summit.dr.topology.MultiAz multiAz = Objects.requireNonNull(st.multiAz());
      List<String> zones = Objects.requireNonNull(multiAz.zones().get(region));
      String standbyZone = zones.get(0).equals(writerZone) ? zones.get(1) : zones.get(0);
      boolean synchronous = multiAz.standby() == io.summit.dr.topology.StandbyMode.SYNCHRONOUS;
      if (st.kind() == StoreKind.REDIS) {
        redisStandbyProblem(name, writer.get(), standbyZone).ifPresent(problems::add);
        continue;
      }
      try (StoreAdapter a = adapter(writer.get().name(), Duration.ofSeconds(2));
          java.sql.Connection c = ((PostgresAdapter) a).connect();
          java.sql.Statement q = c.createStatement();
          java.sql.ResultSet rs =
              q.executeQuery(
                  "select pg_is_in_recovery(), (select state || ' ' || sync_state from"
                      + " pg_stat_replication where application_name = '"
                      + slotName(standbyZone)
                      + "' limit 1)")) {
        rs.next();
        boolean primary = !rs.getBoolean(1);
        String seen = rs.getString(2);
        if (seen == null || !seen.startsWith("streaming")) {
          problems.add(
              name + ": the standby in " + standbyZone + " is not streaming (" + seen + ")");
        } else if (primary && synchronous && !seen.endsWith(" sync")) {
          problems.add(name + ": the standby in " + standbyZone + " is " + seen + ", not sync");
        }
      } catch (java.sql.SQLException | RuntimeException ex) {
        problems.add(
            name + ": " + writer.get().name() + " does not answer (" + ex.getMessage() + ")");
      }
    }
    return problems;
  }

  /**
   * Whether the Redis node {@code writer} lists the node of {@code standbyZone} as an online
   * replica (by the port it listens on); a problem line when not.
   */
  private Optional<String> redisStandbyProblem(
      String name, LabComponent writer, String standbyZone) {
    Optional<LabComponent> standby = requireState().component(componentName("redis", standbyZone));
    if (standby.isEmpty()) {
      return Optional.of(name + ": no node in " + standbyZone);
    }
    io.lettuce.core.RedisClient client =
        io.lettuce.core.RedisClient.create(RedisAdapter.sharedResources());
    try (var c =
        client.connect(
            io.lettuce.core.RedisURI.builder()
                .withHost(writer.host())
                .withPort(writer.port())
                .withTimeout(Duration.ofSeconds(2))
                .build())) {
      Map<String, String> info = RedisAdapter.parseInfo(c.sync().info("replication"));
      String port = "port=" + standby.get().port() + ",";
      boolean online =
          info.entrySet().stream()
              .anyMatch(
                  e ->
                      e.getKey().matches("slave\\d+")
                          && e.getValue().contains(port)
                          && e.getValue().contains("state=online"));
      return online
          ? Optional.empty()
          : Optional.of(name + ": the replica in " + standbyZone + " is not online");
    } catch (RuntimeException ex) {
      return Optional.of(
          name + ": " + writer.name() + " does not answer (" + ex.getMessage() + ")");
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** The replication slot (and application name) of a region's PostgreSQL node. */
  static String slotName(String region) {
    return "node_" + region.replace('-', '_');
  }

  static String componentName(String kind, String region) {
    return kind + "-" + region;
  }

  /** Every component, as recorded and as observed now. */
  public List<ComponentStatus> status() {
    LabState s = requireState();
    List<ComponentStatus> out = new ArrayList<>();
    for (LabComponent c : s.components()) {
      boolean alive = OsProcesses.isAlive(c.pid());
      if (c.kind().equals(LabEtcd.KIND)) {
        out.add(etcdStatus(c, alive));
        continue;
      }
      if (c.kind().equals("orchestrator")) {
        out.add(replicaStatus(c, alive));
        continue;
      }
      if (!STORE_KINDS.contains(c.kind())) {
        boolean healthy =
            alive
                && (c.kind().equals("wan")
                    ? new WanClient(
                            LabTls.base(c),
                            LabAccess.token(dir, LabAccess.ADMIN),
                            LabTls.trustFor(c))
                        .isUp()
                    : isHealthy(c));
        out.add(
            new ComponentStatus(
                c.name(),
                c.kind(),
                c.region(),
                c.kind().equals("wan") ? "link" : "-",
                c.pid(),
                c.host(),
                c.port(),
                healthy,
                null,
                null));
        continue;
      }
      StoreObservation o;
      try (StoreAdapter a = adapter(c.name())) {
        o = alive ? a.observe() : StoreObservation.unreachable("not running", clock.instant());
      }
      out.add(
          new ComponentStatus(
              c.name(),
              c.kind(),
              c.region(),
              o.role().name().toLowerCase(Locale.ROOT),
              c.pid(),
              c.host(),
              c.port(),
              alive && o.reachable(),
              o.lagBytes(),
              o.lagSeconds()));
    }
    return out;
  }

  /** The component kinds that are store nodes (observed through their adapter). */
  public static final java.util.Set<String> STORE_KINDS =
      java.util.Set.of("postgres", "redis", "neo4j", LabObjects.KIND);

  /** An orchestrator replica: its role as it answers on {@code /v1/replica}. */
  private ComponentStatus replicaStatus(LabComponent c, boolean alive) {
    return electedStatus(c, alive ? replicaRole(c) : "down");
  }

  /** A member of an election (etcd, orchestrator replicas): healthy while leader or follower. */
  private static ComponentStatus electedStatus(LabComponent c, String role) {
    return new ComponentStatus(
        c.name(),
        c.kind(),
        c.region(),
        role,
        c.pid(),
        c.host(),
        c.port(),
        role.equals("leader") || role.equals("follower"),
        null,
        null);
  }

  /** The WAN daemon's admin API, with the lab's admin token when the lab has credentials. */
  WanClient wan(LabLayout at) {
    return new WanClient(
        LabTls.url(dir, "wan", at.wanAdmin()),
        LabAccess.token(dir, LabAccess.ADMIN),
        LabTls.trust(dir));
  }

  /** {@code leader}, {@code follower}, or {@code unreachable}. */
  String replicaRole(LabComponent c) {
    try (var api = api(c, LabAccess.ADMIN)) {
      return api.get("/v1/replica", Duration.ofSeconds(1)).path("role").asText("unreachable");
    } catch (IOException e) {
      return "unreachable";
    }
  }

  /** The orchestrator replica that leads now, if one answers so. */
  public Optional<LabComponent> orchestratorLeader() {
    return requireState().components().stream()
        .filter(c -> c.kind().equals("orchestrator") && OsProcesses.isAlive(c.pid()))
        .filter(c -> replicaRole(c).equals("leader"))
        .findFirst();
  }

  /** An etcd member: its role from its own status ("leader", "follower", "no-leader"...). */
  private static ComponentStatus etcdStatus(LabComponent c, boolean alive) {
    return electedStatus(c, alive ? LabEtcd.role(c) : "down");
  }

  /**
   * {@code command} run at a higher CPU priority (nice -5) when the lab runs as root: the
   * components whose leases keep a region's write authority (etcd members, region agents) and the
   * WAN daemon that carries their traffic between locations. On a 2-core machine a region that
   * restarts (a dozen processes starting at once) otherwise starves an agent past its renewal
   * deadline, and it fences the healthy writer region's primaries. Production gives the control
   * plane guaranteed CPU; this is the lab's equivalent. Where the kernel schedules by autogroup,
   * the process's session gets the same weight ({@link OsProcesses#weighSession}: without it the
   * nice value orders nothing against the other lab processes). Unchanged when not root (raising
   * priority needs CAP_SYS_NICE) or without nice(1).
   */
  static List<String> prioritized(List<String> command) {
    Path nice = Path.of("/usr/bin/nice");
    if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(nice)) {
      return command;
    }
    List<String> raised = new ArrayList<>(List.of(nice.toString(), "-n", "-5"));
    raised.addAll(command);
    return raised;
  }

  /**
   * The command that runs {@code mainClass} in a new JVM like this one (same java, same class
   * path), sized for a lab daemon: small heap, serial GC, C1 only (quick to start, light on two
   * cores), and a class-data archive of its own when it runs from one jar ({@link
   * ClassDataArchive}).
   */
  public static List<String> javaCommand(String mainClass, List<String> args) {
    return javaCommand(System.getProperty("java.class.path"), mainClass, args);
  }

  static List<String> javaCommand(String classPath, String mainClass, List<String> args) {
    return javaCommand(classPath, mainClass, args, List.of("-Xmx192m"));
  }

  /** A daemon's command with its own heap options ({@code -Xmx...}, {@code -Xmn...}). */
  static List<String> javaCommand(
      String classPath, String mainClass, List<String> args, List<String> heap) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(heap);
    command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", OsProcesses.HUGE_PAGES));
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(ClassDataArchive.options(classPath, mainClass, args));
    command.addAll(List.of("-cp", classPath, mainClass));
    command.addAll(args);
    return command;
  }

  /** Waits until a daemon answers 200 on its health path. */
  static void awaitHealthy(LabComponent c, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isHealthy(c)) {
      if (!OsProcesses.isAlive(c.pid())) {
        throw new LabException(c.name() + ": exited at start; see " + c.log() + lastLines(c));
      }
      if (System.nanoTime() > deadline) {
        throw new LabException(c.name() + ": not healthy within " + timeout + "; see " + c.log());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
  }

  /** The end of a component's log, for an error message: what it said before it stopped. */
  private static String lastLines(LabComponent c) {
    try {
      List<String> lines =
          Files.readAllLines(Path.of(c.log())).stream()
              .filter(l -> !l.isBlank() && !l.startsWith("WARNING:") && !l.startsWith("\tat "))
              .toList();
      return lines.isEmpty()
          ? ""
          : ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static boolean isHealthy(LabComponent c) {
    String healthPath = c.healthPath();
    if (healthPath == null) {
      return OsProcesses.isAlive(c.pid());
    }
    try {
      java.net.HttpURLConnection h =
          (java.net.HttpURLConnection) LabTls.base(c).resolve(healthPath).toURL().openConnection();
      javax.net.ssl.SSLContext trust = LabTls.trustFor(c);
      if (trust != null && h instanceof javax.net.ssl.HttpsURLConnection https) {
        https.setSSLSocketFactory(trust.getSocketFactory());
      }
      h.setConnectTimeout(500);
      h.setReadTimeout(1000);
      int code = h.getResponseCode();
      h.disconnect();
      return code == 200;
    } catch (IOException e) {
      return false;
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The class path the lab's daemons run from. When this process runs from one jar (the runnable
   * jar), the lab gets its own copy in {@code lib/}, made when the lab starts: rebuilding the jar
   * (the launcher does when a source changed) must not change the classes under running daemons,
   * which load them lazily from the file and fail in odd ways when it is replaced.
   */
  String daemonClassPath() {
    String classPath = System.getProperty("java.class.path");
    if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
      return classPath;
    }
    Path jar = Path.of(classPath).toAbsolutePath();
    Path lib = dir.resolve("lib");
    Path copy = lib.resolve(jar.getFileName());
    try {
      if (!Files.exists(copy)) {
        Files.createDirectories(lib);
        Path tmp = lib.resolve(jar.getFileName() + ".tmp");
        // The jar's time kept: a class-data archive records it, and a copy of the same jar made
        // for the next lab must still match (see ClassDataArchive).
        Files.copy(
            jar,
            tmp,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(tmp, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return copy.toString();
    } catch (IOException e) {
      throw new LabException("lab: cannot copy " + jar + " to " + lib + ": " + e.getMessage(), e);
    }
  }

  static void writeSpec(Path file, WanSpec spec) {
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), spec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Class<?> wanMain() {
    return WanDaemon.class;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // Left behind; the next 'lab up' overwrites it.
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new LabException("lab: cannot remove " + root + ": " + e.getMessage(), e);
    }
  }
}
