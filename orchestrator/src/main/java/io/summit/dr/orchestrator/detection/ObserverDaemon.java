package io.summit.dr.orchestrator.detection;

import io.summit.dr.access.AccessList;
import io.summit.dr.access.AccessOptions;
import io.summit.dr.access.ControlServer;
import io.summit.dr.access.Guard;
import io.summit.dr.access.Policy;
import io.summit.dr.access.Role;
import io.summit.dr.topology.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A small observer process that stands in one region and probes the other regions' stores (in the
 * lab through the WAN addresses, so it sees what its region sees) every {@code interval}, and
 * serves the latest view as {@code GET /v1/view}:
 *
 * <pre>{"observer": "observer-us-east-1", "location": "us-east-1", "at": "2025-...Z",
 *  "regions": {"us-west-2": "up"}}</pre>
 *
 * <p>Health is {@code up}, {@code down}, or {@code unknown} before the first probe. Command line
 * (build it with {@link #arguments}):
 *
 * <pre>ObserverDaemon --region us-east-1 --listen 127.0.0.1:0
 *     --target us-west-2=postgres@127.0.0.1:7010 --target us-west-2=redis@127.0.0.1:7011
 *     [--interval 500ms] [--timeout 250ms] [--edge 127.0.0.1:7321]</pre>
 *
 * <p>Once it serves it prints {@code observer-REGION listening on HOST:PORT} on standard output
 * (useful with port 0). Bad arguments print a message naming the option and exit with status 2.
 *
 * <p>Lifecycle: NEW, {@link #start()}, {@link #close()} (compare-and-set; a second start fails, a
 * second close does nothing). The scheduler is the caller's. Thread-safe.
 */
public final class ObserverDaemon implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ObserverDaemon.class);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final ObserverDaemonConfig config;
  private final RegionProber prober;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private volatile ObserverView view;
  private final Map<String, RegionHealth> lastSeen = new java.util.HashMap<>();
  private final Map<String, Integer> inARow = new java.util.HashMap<>();
  private final ObserverMetrics metrics = new ObserverMetrics();
  private volatile @Nullable ControlServer server;
  private volatile javax.net.ssl.@Nullable SSLContext tls;
  private volatile Guard guard = Guard.open();
  private volatile @Nullable ScheduledFuture<?> task;

  public ObserverDaemon(
      ObserverDaemonConfig config, Clock clock, ScheduledExecutorService scheduler) {
    this(config, clock, scheduler, null);
  }

  /**
   * @param trust what an {@code https://} edge's certificate must chain to ({@code --ca-file});
   *     null: the JDK's authorities
   */
  public ObserverDaemon(
      ObserverDaemonConfig config,
      Clock clock,
      ScheduledExecutorService scheduler,
      javax.net.ssl.@Nullable SSLContext trust) {
    this.config = config;
    this.prober = new RegionProber(config.targets(), config.timeout(), config.edge(), trust);
    this.clock = clock;
    this.scheduler = scheduler;
    this.view =
        ObserverView.knowingNothing(name(), config.region(), prober.regions(), clock.instant());
  }

  /** The command line that {@link #main} reads back into the same configuration. */
  public static List<String> arguments(ObserverDaemonConfig config) {
    List<String> args = new ArrayList<>(List.of("--region", config.region()));
    args.addAll(List.of("--listen", config.listenHost() + ":" + config.listenPort()));
    config.targets().forEach(t -> args.addAll(List.of("--target", t.toString())));
    args.addAll(List.of("--interval", Durations.format(config.interval())));
    args.addAll(List.of("--timeout", Durations.format(config.timeout())));
    if (config.edge() != null) {
      args.addAll(List.of("--edge", config.edge().toString()));
    }
    return args;
  }

  /** {@code observer-REGION}. */
  public String name() {
    return "observer-" + config.region();
  }

  /** The latest view; every region UNKNOWN before the first probe. */
  public ObserverView view() {
    return view;
  }

  /**
   * From {@link #start} on, {@code /v1/view} is served with HTTPS only, with {@code context} (the
   * daemon's {@code --tls-cert} and {@code --tls-key}); null: plain HTTP.
   */
  public ObserverDaemon serving(javax.net.ssl.@Nullable SSLContext context) {
    this.tls = context;
    return this;
  }

  /** {@code https} or {@code http}: how {@link #start} listens. */
  public String scheme() {
    return io.summit.dr.access.Tls.scheme(tls);
  }

  /**
   * Binds the HTTP server and starts probing now and every interval.
   *
   * @throws IllegalStateException when already started or closed
   * @throws UncheckedIOException when the address cannot be bound
   */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException(name() + ": start in state " + state.get());
    }
    try {
      // Helidon serves each connection on a virtual thread: a TLS handshake stalled behind a cut
      // link holds up no other poll
      server =
          ControlServer.builder(name(), config.listen())
              .tls(tls)
              .guard(() -> guard)
              .routes(
                  r ->
                      r.get("/v1/view", (req, res) -> json(res, ViewJson.write(view)))
                          .get("/healthz", (req, res) -> json(res, "{\"status\":\"ok\"}"))
                          .get("/metrics", (req, res) -> metrics.serve(res, view)))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    long nanos = config.interval().toNanos();
    task = scheduler.scheduleAtFixedRate(this::probeSafely, 0, nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Where {@code /v1/view} is served (the bound port when configured with 0).
   *
   * @throws IllegalStateException when not started
   */
  public InetSocketAddress address() {
    ControlServer s = server;
    if (s == null) {
      throw new IllegalStateException(name() + ": not started");
    }
    return s.address();
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
    ControlServer s = server;
    if (s != null) {
      s.close();
    }
    prober.close();
  }

  private void probeSafely() {
    try {
      Map<String, RegionHealth> seen = prober.probe();
      view = new ObserverView(name(), config.region(), seen, clock.instant(), count(seen));
    } catch (Throwable t) { // the loop boundary: log, report unknown, probe again next interval
      LOG.error("{}: probe failed, targets={}: {}", name(), config.targets(), t.toString(), t);
      lastSeen.clear();
      inARow.clear();
      view =
          ObserverView.knowingNothing(name(), config.region(), prober.regions(), clock.instant());
    }
  }

  /**
   * Counts, per region, the probes in a row that saw it as this one did (the scheduler runs probes
   * one at a time, so only its thread touches the counts).
   */
  private Map<String, Integer> count(Map<String, RegionHealth> seen) {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    seen.forEach(
        (region, health) -> {
          int n = health == lastSeen.get(region) ? inARow.getOrDefault(region, 0) + 1 : 1;
          lastSeen.put(region, health);
          inARow.put(region, n);
          counts.put(region, n);
        });
    return counts;
  }

  /**
   * From now on every request but {@code GET /healthz} needs a viewer's token (or above) of {@code
   * access}: 401 without one.
   */
  public ObserverDaemon require(AccessList access) {
    this.guard = Guard.of(access, Policy.readsAndChanges(Role.ADMIN));
    return this;
  }

  private static void json(io.helidon.webserver.http.ServerResponse res, String body) {
    ControlServer.reply(res, 200, "application/json", body);
  }

  /** Runs a daemon until the process is stopped; exit status 2 on bad arguments. */
  public static void main(String[] args) throws InterruptedException {
    ObserverDaemonConfig config;
    AccessOptions access;
    try {
      access = AccessOptions.split(List.of(args));
      config = ObserverDaemonConfig.parse(access.rest());
    } catch (IllegalArgumentException e) {
      System.err.println("observer: " + e.getMessage());
      System.exit(2);
      return;
    }
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    ObserverDaemon daemon =
        new ObserverDaemon(config, Clock.systemUTC(), scheduler, access.trust().orElse(null));
    access.access().ifPresent(daemon::require);
    daemon.serving(access.serverTls());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  daemon.close();
                  scheduler.shutdownNow();
                  stopped.countDown();
                }));
    daemon.start();
    InetSocketAddress at = daemon.address();
    LOG.info(
        daemon.name()
            + " listening on "
            + daemon.scheme()
            + "://"
            + at.getAddress().getHostAddress()
            + ":"
            + at.getPort());
    stopped.await();
  }
}
