package io.summit.dr.lab.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.AccessOptions;
import io.summit.dr.access.ApiClient;
import io.summit.dr.access.ApiException;
import io.summit.dr.access.BearerToken;
import io.summit.dr.access.ControlServer;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.access.Role;
import io.summit.dr.access.Tls;
import io.summit.dr.lab.Lab;
import io.summit.dr.lab.process.OsProcesses;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.workload.service.WorkloadMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A region's service cluster: it runs the service's instances as child processes (so that killing
 * the cluster's process tree is killing the region's compute), keeps their count where the
 * autoscaler says, replaces instances that exit, probes their readiness, and registers every
 * instance that has been ready with the edge router, by the address the router reaches it at
 * ({@code PUT /v1/regions/R/instances}, again every few seconds so a restarted router learns them).
 * The router's own health checks then judge each instance, as a load balancer's target health does.
 *
 * <p>API: {@code GET /healthz} (200 once the first instances serve HTTP), {@code GET /v1/cluster}
 * (bounds, desired count, instances), {@code PUT /v1/scale {"min": N}} (the autoscaler's floor; 400
 * naming the field for anything but an integer in {@code 0..max}), {@code GET
 * /v1/prometheus-targets} (the running instances in Prometheus' HTTP service-discovery format, so
 * the lab's Prometheus scrapes instances as the autoscaler adds and removes them), {@code GET
 * /metrics}. A refused request gets JSON {@code {"error": "..."}} naming the field; another path or
 * method a 404 or 405 RFC 9457 problem. The API is a {@link ControlServer} (Helidon SE), bound by
 * {@link #start}.
 *
 * <p>Zones: when the region has {@code zones} in the topology, every instance runs in one of them,
 * spread as EKS spreads pods with a topology spread constraint of skew one ({@link ZoneSpread}): a
 * new instance, a replacement for one that exited included, goes to the zone with the fewest live
 * instances, ties to the first zone; scaling down removes an instance from the zone with the most.
 * The instance is started with the program arguments {@code --zone ZONE} (two arguments, {@link
 * WorkloadMain#ZONE_FLAG} then the zone), answers with {@code X-Summit-Zone}, and is registered
 * with the router with its zone. The lab finds a zone's instances among this cluster's descendant
 * processes by those arguments: {@link #runsInZone}. The cluster sees only whether its instance
 * processes live; that a zone is down it is told ({@code PUT /v1/zones/ZONE {"down": true}}, which
 * {@code kill-zone} sends first), and then places no new instance there, so the replacement of an
 * instance killed with its zone starts in another zone. Without zones every instance runs without
 * {@code --zone}, as before zones.
 *
 * <p>Lifecycle {@code NEW -> STARTED -> CLOSED}; close stops every instance. Thread-safe: the
 * control loop runs on one thread; the API takes the same lock to change the floor.
 */
public final class RegionCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegionCluster.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REGISTER_EVERY = Duration.ofSeconds(5);
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  /** The niceness of a starting instance's session, until it is first ready (then 0). */
  static final int STARTING_NICENESS = 5;

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  /** One instance process. Mutable fields are touched by the control loop only. */
  private static final class Instance {
    final String name;
    final Endpoint address;
    final @Nullable String zone;
    final Process process;
    final long startedNanos;
    boolean answered;
    boolean everReady;
    boolean ready;
    long cpuNanos = -1;

    Instance(
        String name, Endpoint address, @Nullable String zone, Process process, long startedNanos) {
      this.name = name;
      this.address = address;
      this.zone = zone;
      this.process = process;
      this.startedNanos = startedNanos;
    }
  }

  /** What the router is told of one instance: the address it reaches it at, and its zone. */
  private record Registration(String address, @Nullable String zone) {
    @Override
    public String toString() {
      return zone == null ? address : address + " in " + zone;
    }
  }

  private final ClusterConfig config;
  private final Clock clock;
  private final Autoscaler autoscaler;
  private final List<Instance> instances = new ArrayList<>();
  private final InetSocketAddress listen;
  private final javax.net.ssl.@Nullable SSLContext tls;
  // the API, once started
  private volatile @Nullable ControlServer server;
  // The instances' readiness probes (plain HTTP, the data path).
  private final HttpClient http = Tls.client(Duration.ofMillis(500), null);
  // The router's admin API, made on first use with the token and trust of that time.
  private volatile @Nullable ApiClient router;
  private volatile javax.net.ssl.@Nullable SSLContext routerTrust;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "cluster-control");
            t.setDaemon(true);
            return t;
          });
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private int desired;
  private long lastScaleNanos;
  private long lastRegisterNanos;
  private List<Registration> registered = List.of();
  private boolean started;
  private volatile Guard guard = Guard.open();
  private volatile @Nullable BearerToken token;
  private volatile @Nullable Path instanceToken;
  private volatile @Nullable Path instanceCaFile;
  private volatile ObjectNode view = JSON.createObjectNode();
  // the instance started to rebalance the zones, until it is ready (guarded by this)
  private @Nullable Instance surge;
  // zones marked down (PUT /v1/zones/Z {"down": true}): no new instance is placed there
  private final java.util.Set<String> downZones = new java.util.concurrent.CopyOnWriteArraySet<>();
  private io.summit.dr.lab.metrics.@org.jspecify.annotations.Nullable PrometheusText metrics;

  public RegionCluster(ClusterConfig config, Clock clock) throws IOException {
    this(config, clock, null);
  }

  /**
   * @param tls the context its API listens with (HTTPS only; {@code --tls-cert}, {@code
   *     --tls-key}), or null: plain HTTP
   */
  public RegionCluster(ClusterConfig config, Clock clock, javax.net.ssl.@Nullable SSLContext tls)
      throws IOException {
    this.config = config;
    this.clock = clock;
    this.autoscaler =
        new Autoscaler(
            config.autoscaling().min(),
            config.autoscaling().max(),
            config.autoscaling().targetCpuPercent(),
            0.1,
            config.downscaleWindow());
    this.desired = config.initialReplicas();
    this.listen = new InetSocketAddress(config.listen().host(), config.listen().port());
    this.tls = tls;
    Files.createDirectories(config.logDir());
  }

  /**
   * Secures this cluster before {@link #start}: its API then needs a token of {@code access} (a
   * viewer's to read, an operator's to scale), it registers instances with the router under {@code
   * token}, and each instance it starts reads discovery with the token in {@code instanceToken}.
   */
  public RegionCluster secure(
      @Nullable AccessList access, @Nullable BearerToken token, @Nullable Path instanceToken) {
    this.guard = Guard.ofNullable(access, Policy.readsAndChanges(Role.OPERATOR));
    this.token = token;
    this.instanceToken = instanceToken;
    this.router = null;
    return this;
  }

  /**
   * The instances it starts trust the certificate authority in {@code caFile} when they read
   * discovery from an {@code https://} orchestrator ({@code null}: the JDK's authorities), and the
   * cluster trusts it when it registers them with an {@code https://} router admin API.
   */
  public RegionCluster trusting(@Nullable Path caFile) {
    this.instanceCaFile = caFile;
    // ... and so does the cluster when it registers them with an https:// router admin API
    this.routerTrust = caFile == null ? null : Tls.trusting(caFile);
    this.router = null;
    return this;
  }

  /**
   * Binds the API, serves it, and runs the control loop.
   *
   * @throws IOException naming the address when the API cannot be bound (nothing then runs)
   */
  public void start() throws IOException {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException(config.region() + " cluster: started twice");
    }
    synchronized (this) {
      publishView();
    }
    try {
      server =
          ControlServer.builder(config.region() + " cluster", listen)
              .tls(tls)
              .guard(() -> guard)
              .routes(
                  r ->
                      r.get("/metrics", (req, res) -> clusterMetrics().serve(res))
                          .get(
                              "/healthz",
                              (req, res) -> {
                                ObjectNode v = view;
                                reply(res, v.path("started").asBoolean() ? 200 : 503, v);
                              })
                          .get("/v1/cluster", (req, res) -> reply(res, 200, view))
                          .get(
                              "/v1/prometheus-targets",
                              (req, res) -> reply(res, 200, prometheusTargets(view)))
                          .put("/v1/scale", this::scale)
                          .put(
                              "/v1/zones/{zone}",
                              (req, res) ->
                                  zone(req, res, req.path().pathParameters().get("zone"))))
              .start();
    } catch (IOException | RuntimeException e) {
      state.set(State.CLOSED);
      loop.shutdownNow();
      throw e;
    }
    long tick = config.tick().toMillis();
    loop.scheduleWithFixedDelay(this::controlOnce, 0, tick, TimeUnit.MILLISECONDS);
  }

  /** One pass of the control loop; errors are logged and the next pass runs anyway. */
  private void controlOnce() {
    try {
      reap();
      autoscale();
      converge();
      probe();
      register();
      synchronized (this) {
        publishView();
      }
    } catch (RuntimeException e) {
      log.warn("{} cluster: control loop: {}", config.region(), e.toString(), e);
    }
  }

  private synchronized void reap() {
    instances.removeIf(
        i -> {
          if (i.process.isAlive()) {
            return false;
          }
          log.warn(
              "{}: exited with {}; replacing it (log: {})",
              i.name,
              i.process.exitValue(),
              logOf(i.name));
          return true;
        });
  }

  private synchronized void autoscale() {
    long now = System.nanoTime();
    if (now - lastScaleNanos < config.scaleInterval().toNanos()) {
      return;
    }
    long elapsed = lastScaleNanos == 0 ? 0 : now - lastScaleNanos;
    lastScaleNanos = now;
    double sum = 0;
    int counted = 0;
    for (Instance i : instances) {
      OptionalLong cpu = CpuTime.of(i.process.pid());
      if (cpu.isEmpty()) {
        continue;
      }
      boolean warm = now - i.startedNanos > config.warmup().toNanos();
      if (warm && i.ready && i.cpuNanos >= 0 && elapsed > 0) {
        double cores = (cpu.getAsLong() - i.cpuNanos) / (double) elapsed;
        sum += 100.0 * cores * 1000 / config.cpuRequestMillis();
        counted++;
      }
      i.cpuNanos = cpu.getAsLong();
    }
    OptionalDouble utilization =
        counted == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / counted);
    int recommended = autoscaler.recommend(clock.instant(), desired, utilization);
    if (recommended != desired) {
      log.info(
          "{} cluster: autoscaler {} -> {} instances (average CPU {} of a {}m request, target {}%)",
          config.region(),
          desired,
          recommended,
          utilization.isPresent() ? String.format("%.0f%%", utilization.getAsDouble()) : "unknown",
          config.cpuRequestMillis(),
          config.autoscaling().targetCpuPercent());
      desired = recommended;
    }
  }

  private synchronized void converge() {
    while (instances.size() < desired) {
      Endpoint slot = freeSlot();
      if (slot == null) {
        break;
      }
      instances.add(launch(slot, ZoneSpread.place(config.zones(), downZones, liveZones())));
    }
    Instance s = surge;
    if (s != null && (s.ready || !instances.contains(s))) {
      surge = null; // ready (or gone): the crowded zone may give one up
    }
    if (surge == null
        && instances.size() == desired
        && ZoneSpread.skewed(config.zones(), downZones, liveZones())) {
      // Rebalancing, as a descheduler does after a zone's return: one instance at a time, surge
      // first (the new one in the zone with the fewest is ready before the crowded zone's newest
      // stops), so the region never serves with fewer instances than desired.
      Endpoint slot = freeSlot();
      if (slot != null) {
        Instance added = launch(slot, ZoneSpread.place(config.zones(), downZones, liveZones()));
        instances.add(added);
        surge = added;
        log.info(
            "{} cluster: rebalancing over the zones: {} started in {}; the newest of the most"
                + " crowded zone stops once it is ready",
            config.region(),
            added.name,
            added.zone);
      }
    }
    while (instances.size() > desired && surge == null) {
      Instance last =
          instances.remove(lastOfZone(ZoneSpread.removeFrom(config.zones(), liveZones())));
      Thread.ofVirtual().start(() -> stop(last));
    }
  }

  /** The zones of the instances this cluster runs (every one that was not reaped). */
  private List<String> liveZones() {
    List<String> zones = new ArrayList<>();
    for (Instance i : instances) {
      if (i.zone != null) {
        zones.add(i.zone);
      }
    }
    return zones;
  }

  /** The index of the newest instance in {@code zone}; the newest of all when zone is null. */
  private int lastOfZone(@Nullable String zone) {
    for (int k = instances.size() - 1; k >= 0; k--) {
      if (zone == null || zone.equals(instances.get(k).zone)) {
        return k;
      }
    }
    return instances.size() - 1;
  }

  /**
   * Whether the program arguments of a process ({@code ProcessHandle.info().arguments()}) are an
   * instance's running in {@code zone}: they hold {@link WorkloadMain#ZONE_FLAG} immediately
   * followed by {@code zone}. The lab's {@code kill-zone} finds a zone's instances among a
   * cluster's descendant processes with it.
   */
  public static boolean runsInZone(List<String> arguments, String zone) {
    for (int k = 0; k + 1 < arguments.size(); k++) {
      if (arguments.get(k).equals(WorkloadMain.ZONE_FLAG) && arguments.get(k + 1).equals(zone)) {
        return true;
      }
    }
    return false;
  }

  private @Nullable Endpoint freeSlot() {
    for (Endpoint slot : config.slots()) {
      if (instances.stream().noneMatch(i -> i.address.equals(slot))) {
        return slot;
      }
    }
    return null;
  }

  private Instance launch(Endpoint slot, @Nullable String zone) {
    String name =
        config.service().name() + "-" + config.region() + "-" + config.slots().indexOf(slot);
    WorkloadMain.Options o =
        new WorkloadMain.Options(
            config.config(), config.region(), slot, config.discovery(), name, config.via(), zone);
    List<String> command = new ArrayList<>();
    if (java.nio.file.Files.isExecutable(SETSID)) {
      // Each instance in a session of its own: where the kernel schedules by autogroup (one per
      // session), instances that shared this cluster's session shared one session's CPU share,
      // however many there were and however busy (young collections of 0.19-1.34 s of wall time
      // for 0.02-0.08 s of CPU under the canary). A starting instance's session weighs less
      // (STARTING_NICENESS) until it is first ready: a scale-up's JVM starts (class loading for
      // seconds on a 2-core machine) at full weight starved the new writer region's agent past its
      // renewal deadline in a test drill (its primaries fenced, the failover's verify refused).
      command.add(SETSID.toString());
    }
    List<String> arguments = new ArrayList<>(o.arguments());
    arguments.addAll(AccessOptions.arguments(null, instanceToken, instanceCaFile));
    command.addAll(Lab.javaCommand(WorkloadMain.class.getName(), arguments));
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logOf(name).toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      log.info(
          "{}: started on {}{} (pid {})",
          name,
          slot,
          zone == null ? "" : " in zone " + zone,
          p.pid());
      OsProcesses.weighSession(p.pid(), STARTING_NICENESS);
      return new Instance(name, slot, zone, p, System.nanoTime());
    } catch (IOException e) {
      throw new IllegalStateException(name + ": cannot start: " + e.getMessage(), e);
    }
  }

  private Path logOf(String name) {
    return config.logDir().resolve(name + ".log");
  }

  private void stop(Instance i) {
    i.process.destroy();
    try {
      if (!i.process.waitFor(5, TimeUnit.SECONDS)) {
        i.process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      i.process.destroyForcibly();
    }
    log.info("{}: stopped", i.name);
  }

  /** Asks every instance's readiness, in parallel, outside the lock. */
  private void probe() {
    List<Instance> now;
    synchronized (this) {
      now = List.copyOf(instances);
    }
    List<Thread> probes = new ArrayList<>();
    int[] results = new int[now.size()];
    for (int k = 0; k < now.size(); k++) {
      int index = k;
      probes.add(Thread.ofVirtual().start(() -> results[index] = readiness(now.get(index))));
    }
    for (Thread t : probes) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    synchronized (this) {
      for (int k = 0; k < now.size(); k++) {
        Instance i = now.get(k);
        boolean ready = results[k] == 200;
        if (ready && !i.everReady) {
          log.info(
              "{}: ready after {} ms", i.name, (System.nanoTime() - i.startedNanos) / 1_000_000);
          OsProcesses.weighSession(i.process.pid(), 0); // serving: the workload's full weight
        }
        i.ready = ready;
        i.everReady |= ready;
        i.answered |= results[k] > 0;
      }
      // Started once every instance serves HTTP; ready is each one's own business (a region whose
      // stores are stale after a failure runs instances that are alive and not ready).
      if (!started && instances.size() >= desired && instances.stream().allMatch(i -> i.answered)) {
        started = true;
      }
    }
  }

  /** The instance's readiness status code, or 0 when it does not answer. */
  private int readiness(Instance i) {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://" + i.address + config.service().healthPath()))
            .timeout(Duration.ofMillis(400))
            .build();
    try {
      return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /**
   * Tells the edge router which instances this region has (those that have been ready): {@code
   * "host:port"} each, or {@code {"address": "host:port", "zone": ZONE}} for an instance in a zone.
   */
  private void register() {
    URI admin = config.routerAdmin();
    if (admin == null) {
      return;
    }
    List<Registration> addresses;
    synchronized (this) {
      addresses =
          instances.stream()
              .filter(i -> i.everReady)
              .map(i -> new Registration(config.advertisedAddress(i.address).toString(), i.zone))
              .toList();
    }
    long now = System.nanoTime();
    if (addresses.equals(registered) && now - lastRegisterNanos < REGISTER_EVERY.toNanos()) {
      return;
    }
    ObjectNode body = registration(addresses);
    ApiClient api = router;
    if (api == null) {
      api = new ApiClient("router", admin, token, routerTrust, Duration.ofSeconds(1));
      router = api;
    }
    try {
      api.send("PUT", "/v1/regions/" + config.region() + "/instances", body);
      if (!addresses.equals(registered)) {
        log.info("{} cluster: registered {} with the router", config.region(), addresses);
      }
      registered = addresses;
      lastRegisterNanos = now;
    } catch (ApiException e) {
      log.warn("{} cluster: router refused {}: {}", config.region(), addresses, e.getMessage());
    } catch (InterruptedIOException e) {
      // the cluster is stopping (the flag is set again)
    } catch (IOException e) {
      log.debug("{} cluster: router unreachable: {}", config.region(), e.getMessage());
    }
  }

  private void publishView() {
    ObjectNode v = JSON.createObjectNode();
    v.put("region", config.region());
    v.put("service", config.service().name());
    v.put("min", autoscaler.min());
    v.put("max", autoscaler.max());
    v.put("desired", desired);
    v.put("ready", (int) instances.stream().filter(i -> i.ready).count());
    v.put("started", started);
    v.put("rebalancing", surge != null);
    ArrayNode down = v.putArray("zones_down");
    config.zones().stream().filter(downZones::contains).forEach(down::add);
    ArrayNode list = v.putArray("instances");
    long now = System.nanoTime();
    for (Instance i : instances) {
      ObjectNode o = list.addObject();
      o.put("name", i.name);
      o.put("address", i.address.toString());
      if (i.zone != null) {
        o.put("zone", i.zone);
      }
      o.put("pid", i.process.pid());
      o.put("ready", i.ready);
      o.put("age_s", Math.round((now - i.startedNanos) / 1e8) / 10.0);
    }
    view = v;
  }

  /**
   * The instances of {@code view} as Prometheus HTTP service discovery wants them: one target group
   * per instance, labelled with its location and name (never {@code instance} or {@code job}, which
   * Prometheus sets).
   */
  static ArrayNode prometheusTargets(JsonNode view) {
    ArrayNode groups = JSON.createArrayNode();
    for (JsonNode i : view.path("instances")) {
      ObjectNode g = groups.addObject();
      g.putArray("targets").add(i.path("address").asText());
      ObjectNode labels = g.putObject("labels");
      labels.put("location", view.path("region").asText());
      labels.put("component", i.path("name").asText());
      labels.put("service", view.path("service").asText());
      if (i.hasNonNull("zone")) {
        labels.put("zone", i.path("zone").asText());
      }
    }
    return groups;
  }

  /** The router's registration body for {@code instances}. */
  private static ObjectNode registration(List<Registration> instances) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("instances");
    for (Registration r : instances) {
      if (r.zone() == null) {
        list.add(r.address());
      } else {
        list.addObject().put("address", r.address()).put("zone", r.zone());
      }
    }
    return body;
  }

  /** The autoscaler's floor, ceiling and ready instances, from the cluster's view. */
  private synchronized io.summit.dr.lab.metrics.PrometheusText clusterMetrics() {
    var existing = metrics;
    if (existing != null) {
      return existing;
    }
    var m = new io.summit.dr.lab.metrics.PrometheusText();
    for (String field : java.util.List.of("min", "max", "ready")) {
      io.micrometer.core.instrument.Gauge.builder(
              "summit_lab_cluster_instances", this, c -> c.view.path(field).asDouble(Double.NaN))
          .description("The region's service instances: autoscaler min, max, and ready now")
          .tag("region", config.region())
          .tag("kind", field)
          .register(m.registry());
    }
    metrics = m;
    return m;
  }

  /**
   * {@code PUT /v1/zones/ZONE {"down": true|false}}: marks one of the region's zones down, so that
   * no new instance (a replacement of one killed with the zone, or a scale-up) is placed there, or
   * up again. Instances already running stay where they are (nothing rebalances, as on EKS without
   * a descheduler).
   */
  private void zone(ServerRequest req, ServerResponse res, String zone) throws IOException {
    if (!config.zones().contains(zone)) {
      reply(
          res,
          404,
          error(
              "zone: '"
                  + zone
                  + "' (expected: one of the zones of "
                  + config.region()
                  + ": "
                  + String.join(", ", config.zones())
                  + ")"));
      return;
    }
    JsonNode body;
    try (InputStream in = req.content().inputStream()) {
      body = JSON.readTree(in.readNBytes(4096));
    } catch (IOException e) {
      reply(res, 400, error("body: not JSON (expected: {\"down\": true|false})"));
      return;
    }
    if (body == null || !body.isObject() || body.size() != 1 || !body.path("down").isBoolean()) {
      reply(res, 400, error("body: " + body + " (expected: {\"down\": true|false})"));
      return;
    }
    synchronized (this) {
      boolean changed =
          body.path("down").asBoolean() ? downZones.add(zone) : downZones.remove(zone);
      if (changed) {
        log.info(
            "{} cluster: zone {} marked {}",
            config.region(),
            zone,
            body.path("down").asBoolean() ? "down: no new instance goes there" : "up");
      }
      publishView();
    }
    reply(res, 200, view);
  }

  private void scale(ServerRequest req, ServerResponse res) throws IOException {
    JsonNode body;
    try (InputStream in = req.content().inputStream()) {
      body = JSON.readTree(in.readNBytes(4096));
    } catch (IOException e) {
      reply(res, 400, error("body: not JSON (expected: {\"min\": N})"));
      return;
    }
    if (body == null || !body.isObject()) {
      reply(res, 400, error("body: not an object (expected: {\"min\": N})"));
      return;
    }
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("min")) {
        reply(res, 400, error(f + ": unknown field (expected: min)"));
        return;
      }
    }
    JsonNode min = body.path("min");
    if (!min.isInt()) {
      reply(res, 400, error("min: " + min + " (expected: an integer 0.." + autoscaler.max() + ")"));
      return;
    }
    synchronized (this) {
      try {
        autoscaler.setMin(min.asInt());
      } catch (IllegalArgumentException e) {
        reply(res, 400, error(e.getMessage()));
        return;
      }
      if (desired < min.asInt()) {
        log.info("{} cluster: floor raised to {} instances", config.region(), min.asInt());
        desired = min.asInt();
      } else {
        log.info("{} cluster: floor set to {} instances", config.region(), min.asInt());
      }
      publishView();
    }
    reply(res, 200, view);
  }

  private static Map<String, String> error(@Nullable String message) {
    return Map.of("error", String.valueOf(message));
  }

  private static void reply(ServerResponse res, int status, Object body) throws IOException {
    ControlServer.json(res, status, JSON.writeValueAsBytes(body));
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) != State.STARTED) {
      return;
    }
    loop.shutdownNow();
    ControlServer s = server;
    if (s != null) {
      s.close();
    }
    List<Instance> all;
    synchronized (this) {
      all = List.copyOf(instances);
      instances.clear();
    }
    List<Thread> stopping = new ArrayList<>();
    for (Instance i : all) {
      stopping.add(Thread.ofVirtual().start(() -> stop(i)));
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
