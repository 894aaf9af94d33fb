package io.summit.dr.orchestrator;

import io.summit.dr.access.AccessList;
import io.summit.dr.access.BearerToken;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
import io.summit.dr.access.Tls;
import io.summit.dr.orchestrator.api.ApiServer;
import io.summit.dr.orchestrator.coordination.ControlStore;
import io.summit.dr.orchestrator.coordination.LocalControlStore;
import io.summit.dr.orchestrator.notify.Notifier;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator process's start-up: {@code --config FILE --state-dir DIR --listen HOST:PORT
 * [--router-admin https://HOST:PORT] [--router HOST:PORT] [--observer REGION=https://HOST:PORT ...]
 * [--ca-file FILE]}; {@code --router} is the edge router's proxy address, through which the verify
 * step writes once the new writer region runs the service; {@code --state-dir} holds the journal
 * and the audit log. It resumes a plan its journal left open, supervises the stores every probe
 * interval, runs failure detection, and serves the API.
 *
 * <p>The environment supplies how stores and services are reached ({@link Stores}, {@link
 * Services}): the lab's main class passes its own, an AWS deployment passes the AWS adapters.
 */
public final class OrchestratorMain {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(OrchestratorMain.class);

  /** The parsed command line. */
  public record Options(
      Path config,
      Path stateDir,
      Endpoint listen,
      @Nullable URI routerAdmin,
      @Nullable Endpoint router,
      Map<String, URI> observers,
      List<String> etcd,
      String id,
      String location,
      List<String> deferTo,
      @Nullable Path apiTokenFile,
      @Nullable Path accessFile,
      @Nullable Path tokenFile,
      @Nullable Path tlsCert,
      @Nullable Path tlsKey,
      @Nullable Path caFile) {
    public Options {
      observers = Map.copyOf(observers);
      etcd = List.copyOf(etcd);
      deferTo = List.copyOf(deferTo);
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException(
            (tlsCert == null ? Tls.CERT_FILE : Tls.KEY_FILE)
                + ": missing (expected: "
                + Tls.CERT_FILE
                + " and "
                + Tls.KEY_FILE
                + " together, or neither)");
      }
    }

    /** Options whose API takes requests without a bearer token. */
    public Options(
        Path config,
        Path stateDir,
        Endpoint listen,
        @Nullable URI routerAdmin,
        @Nullable Endpoint router,
        Map<String, URI> observers,
        List<String> etcd,
        String id,
        String location,
        List<String> deferTo) {
      this(
          config,
          stateDir,
          listen,
          routerAdmin,
          router,
          observers,
          etcd,
          id,
          location,
          deferTo,
          null,
          null,
          null,
          null,
          null,
          null);
    }

    /** The same options with the API requiring the bearer token in {@code file}. */
    public Options withApiTokenFile(@Nullable Path file) {
      return secured(file, accessFile, tokenFile, tlsCert, tlsKey, caFile);
    }

    /**
     * The same options with the API requiring a token of the access list in {@code access}, and
     * this orchestrator calling the router and the observers with the token in {@code token}.
     */
    public Options withAccess(@Nullable Path access, @Nullable Path token) {
      return secured(apiTokenFile, access, token, tlsCert, tlsKey, caFile);
    }

    /**
     * Who may call the API: the callers of {@code --access-file} and, under the name {@code
     * api-token} with the operator role, the holder of {@code --api-token-file}; empty when neither
     * was given (the API is then open to anyone who reaches it).
     */
    public java.util.Optional<AccessList> access() {
      AccessList list = accessFile == null ? null : AccessList.read("--access-file", accessFile);
      if (apiTokenFile != null) {
        AccessList single =
            AccessList.of(
                new Principal("api-token", Role.OPERATOR),
                BearerToken.read("--api-token-file", apiTokenFile));
        list = list == null ? single : list.and(single);
      }
      return java.util.Optional.ofNullable(list);
    }

    /**
     * What the API requires of whom: with {@code --access-file}, {@link ApiServer#POLICY} (a
     * viewer's token to read); with only {@code --api-token-file}, {@link ApiServer#CHANGES_ONLY}
     * (reads open, as before access lists).
     */
    public io.summit.dr.access.Policy policy() {
      return accessFile == null ? ApiServer.CHANGES_ONLY : ApiServer.POLICY;
    }

    /**
     * The same options with the API listening with TLS: the chain in {@code cert}, its key in
     * {@code key} (both or neither).
     *
     * @throws IllegalArgumentException naming the option that is missing
     */
    public Options withTls(@Nullable Path cert, @Nullable Path key) {
      return secured(apiTokenFile, accessFile, tokenFile, cert, key, caFile);
    }

    /**
     * The API's TLS context ({@code --tls-cert} and {@code --tls-key}), or null: plain HTTP.
     *
     * @throws IllegalArgumentException naming the option when a file is bad
     */
    public javax.net.ssl.@Nullable SSLContext tls() {
      return tlsCert == null || tlsKey == null ? null : Tls.server(tlsCert, tlsKey);
    }

    /**
     * The same options with this orchestrator trusting the authority in {@code caFile} when it
     * calls an {@code https://} router admin API or observer (null: the JDK's authorities).
     */
    public Options withCaFile(@Nullable Path caFile) {
      return secured(apiTokenFile, accessFile, tokenFile, tlsCert, tlsKey, caFile);
    }

    /** These options with other credentials (the last six components). */
    private Options secured(
        @Nullable Path apiTokenFile,
        @Nullable Path accessFile,
        @Nullable Path tokenFile,
        @Nullable Path tlsCert,
        @Nullable Path tlsKey,
        @Nullable Path caFile) {
      return new Options(
          config,
          stateDir,
          listen,
          routerAdmin,
          router,
          observers,
          etcd,
          id,
          location,
          deferTo,
          apiTokenFile,
          accessFile,
          tokenFile,
          tlsCert,
          tlsKey,
          caFile);
    }

    /**
     * What this orchestrator trusts when it calls an {@code https://} API ({@code --ca-file}), or
     * null: the JDK's authorities.
     */
    public javax.net.ssl.@Nullable SSLContext trust() {
      return caFile == null ? null : Tls.trusting(caFile);
    }

    /** The token this orchestrator sends to the router and the observers, if any. */
    public java.util.Optional<BearerToken> token() {
      return java.util.Optional.ofNullable(tokenFile).map(f -> BearerToken.read("--token-file", f));
    }

    /** A single orchestrator at the edge, its state in files of {@code stateDir}. */
    public Options(
        Path config,
        Path stateDir,
        Endpoint listen,
        @Nullable URI routerAdmin,
        @Nullable Endpoint router,
        Map<String, URI> observers) {
      this(
          config,
          stateDir,
          listen,
          routerAdmin,
          router,
          observers,
          List.of(),
          "orchestrator",
          "edge",
          List.of());
    }
  }

  private OrchestratorMain() {}

  /**
   * Parses {@code args}, starts the orchestrator with {@code stores} and {@code services} made from
   * the parsed options, and blocks; bad arguments exit 2 with the flag named.
   */
  public static void main(String[] args, BiFunction<Options, Topology, Environment> environment)
      throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("orchestrator: " + e.getMessage());
      System.exit(2);
      return;
    }
    Topology topology = TopologyLoader.load(options.config());
    start(options, topology, environment.apply(options, topology));
    new CountDownLatch(1).await();
  }

  /**
   * Starts one orchestrator in {@code env}: a replica campaigning through etcd when {@code --etcd}
   * is given, else a single orchestrator keeping its state in {@code --state-dir}. The caller
   * closes what it returns.
   */
  public static AutoCloseable start(Options options, Topology topology, Environment env)
      throws IOException {
    // a receiver's secret that cannot be read stops the start here, not at the first take-over
    Notifier.check(topology.notifications(), secretsDir(options));
    return options.etcd().isEmpty()
        ? run(options, topology, env)
        : Replica.start(options, topology, env);
  }

  /**
   * How the orchestrator reaches the stores, the services and the write routing of one environment:
   * the lab's edge router, or Route 53 / ARC on AWS; {@code router} null: no write routing (plans
   * skip their routing steps).
   */
  public record Environment(Stores stores, Services services, @Nullable WriteRouter router) {
    /** The stores and services, with the edge router the options name ({@code --router-admin}). */
    public static Environment withEdgeRouter(Options o, Stores stores, Services services) {
      URI admin = o.routerAdmin();
      return new Environment(
          stores,
          services,
          admin == null
              ? null
              : new RouterControl(admin, o.router(), o.token().orElse(null), o.trust()));
    }
  }

  /** Parses the orchestrator's command line; every problem names the flag. */
  public static Options parse(String[] args) {
    Path config = null;
    Path stateDir = null;
    Endpoint listen = null;
    URI router = null;
    Endpoint proxy = null;
    Map<String, URI> observers = new LinkedHashMap<>();
    List<String> etcd = new ArrayList<>();
    String id = "orchestrator";
    String location = "edge";
    List<String> deferTo = new ArrayList<>();
    Path apiTokenFile = null;
    Path accessFile = null;
    Path tokenFile = null;
    Path tlsCert = null;
    Path tlsKey = null;
    Path caFile = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + ": missing value");
      }
      String value = args[++i];
      switch (flag) {
        case "--config" -> config = Path.of(value);
        case "--api-token-file" -> {
          apiTokenFile = Path.of(value);
          BearerToken.read(flag, apiTokenFile); // refused now, not at the first request
        }
        case "--access-file" -> {
          accessFile = Path.of(value);
          AccessList.read(flag, accessFile);
        }
        case "--token-file" -> {
          tokenFile = Path.of(value);
          BearerToken.read(flag, tokenFile);
        }
        case Tls.CERT_FILE -> tlsCert = Path.of(value);
        case Tls.KEY_FILE -> tlsKey = Path.of(value);
        case Tls.CA_FILE -> {
          caFile = Path.of(value);
          Tls.trusting(caFile); // refused now, naming the option
        }
        case "--state-dir" -> stateDir = Path.of(value);
        case "--listen" -> listen = endpoint(flag, value);
        case "--router-admin" -> router = Tls.url(flag, value);
        case "--router" -> proxy = endpoint(flag, value);
        case "--etcd" -> etcd.addAll(etcdUrls(value));
        case "--id" -> id = requireName("--id", value);
        case "--location" -> location = requireName("--location", value);
        case "--defer-to" -> {
          for (String other : value.split(",")) {
            deferTo.add(requireName("--defer-to", other));
          }
        }
        case "--observer" -> {
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException(
                "--observer: '" + value + "' (expected: REGION=https://HOST:PORT)");
          }
          observers.put(value.substring(0, eq), Tls.url(flag, value.substring(eq + 1)));
        }
        default ->
            throw new IllegalArgumentException(
                flag
                    + ": unknown option (expected: --config, --state-dir, --listen, --router-admin,"
                    + " --router, --observer, --etcd, --id, --location, --defer-to,"
                    + " --api-token-file, --access-file, --token-file, --tls-cert, --tls-key,"
                    + " --ca-file)");
      }
    }
    if (config == null || stateDir == null || listen == null) {
      throw new IllegalArgumentException("--config, --state-dir and --listen are required");
    }
    if (deferTo.contains(id)) {
      throw new IllegalArgumentException(
          "--defer-to: '" + id + "' is this replica's --id (expected: other replicas' ids)");
    }
    Options options =
        new Options(
            config,
            stateDir,
            listen,
            router,
            proxy,
            observers,
            etcd,
            id,
            location,
            deferTo,
            apiTokenFile,
            accessFile,
            tokenFile,
            tlsCert,
            tlsKey,
            caFile);
    options.tls(); // a bad certificate or key is refused now, naming its option
    return options;
  }

  private static Endpoint endpoint(String flag, String value) {
    try {
      return Endpoint.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
    }
  }

  private static List<String> etcdUrls(String value) {
    List<String> urls = new ArrayList<>();
    for (String url : value.split(",")) {
      if (!url.matches("https?://[^/\\s]+:\\d+")) {
        throw new IllegalArgumentException(
            "--etcd: '" + url + "' (expected: comma-separated URLs like http://127.0.0.1:2379)");
      }
      urls.add(url);
    }
    return urls;
  }

  private static String requireName(String flag, String value) {
    if (!value.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException(
          flag + ": '" + value + "' (expected: lower-case letters, digits and dashes)");
    }
    return value;
  }

  /** Starts everything; returns the running pieces (for in-process use and tests). */
  public static Running run(Options o, Topology topology, Environment env) throws IOException {
    Running r = lead(o, topology, env, LocalControlStore.open(o.stateDir()), null);
    r.api().start();
    return r;
  }

  /**
   * Starts the orchestrator's work on {@code control}: resumes an open plan, supervises, detects,
   * and returns with its API built but not listening (a replica serves it from its own listener).
   */
  static Running lead(
      Options o,
      Topology topology,
      Environment env,
      ControlStore control,
      @Nullable LagMonitor lag) {
    Clock clock = Clock.systemUTC();
    Stores stores = env.stores();
    Orchestrator orchestrator =
        new Orchestrator(
            topology, stores, env.router(), env.services(), control, o.stateDir(), clock, lag);
    // Resume before supervision and detection start: supervision must not fence a node a resumed
    // plan promoted, and detection that fires during start-up finds the resumed plan running.
    orchestrator.resume();
    // The first failover of a JVM paid ~0.5 s more before its first step (docs/control-plane.md,
    // "The cold run's extra second"): its code runs once now, dry, beside everything else.
    Thread.ofVirtual()
        .name("plan warm-up")
        .start(
            () -> {
              try {
                LOG.info(
                    "plan warm-up: a dry failover plan ran in {} ms",
                    orchestrator.warmUp().toMillis());
              } catch (RuntimeException e) {
                LOG.warn(
                    "plan warm-up failed (the first plan pays for its first use): {}",
                    e.toString());
              }
            });
    ScheduledExecutorService scheduler =
        // supervision, detection's polls and its follow-ups each get a thread
        Executors.newScheduledThreadPool(3, Thread.ofVirtual().factory());
    long interval = topology.health().probeInterval().toMillis();
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            orchestrator.superviseOnce();
          } catch (RuntimeException e) {
            orchestrator.events().publish("supervision-error", Map.of("error", String.valueOf(e)));
          }
        },
        0,
        interval,
        TimeUnit.MILLISECONDS);
    List<AutoCloseable> closeables = new ArrayList<>();
    if (!topology.notifications().receivers().isEmpty()) {
      closeables.add(
          Notifier.start(
              topology.notifications(),
              topology.name(),
              o.id(),
              secretsDir(o),
              orchestrator.events(),
              o.caFile() == null ? null : Tls.trustingAlso(o.caFile())));
    }
    closeables.addAll(Detection.start(orchestrator, topology, stores, o, clock, scheduler));
    ApiServer api = listening(o, orchestrator);
    LOG.info(
        "orchestrator "
            + o.id()
            + ": '"
            + topology.name()
            + "' writer "
            + orchestrator.writerRegion()
            + ", API on "
            + Tls.scheme(o.tls())
            + "://"
            + o.listen());
    return new Running(orchestrator, api, scheduler, closeables);
  }

  private static ApiServer listening(Options o, Orchestrator orchestrator) {
    ApiServer api = unauthenticated(o, orchestrator);
    java.util.Optional<AccessList> access = o.access();
    if (access.isEmpty()) {
      LOG.warn(
          "orchestrator {}: no --access-file or --api-token-file: anyone who reaches {} may start"
              + " a failover",
          o.id(),
          o.listen());
      return api;
    }
    return api.require(access.get(), o.policy());
  }

  private static ApiServer unauthenticated(Options o, Orchestrator orchestrator) {
    if (!o.etcd().isEmpty()) {
      return new ApiServer(orchestrator, () -> Detection.regionsView(orchestrator));
    }
    return new ApiServer(
        orchestrator,
        new InetSocketAddress(o.listen().host(), o.listen().port()),
        () -> Detection.regionsView(orchestrator),
        o.tls());
  }

  /** Where a topology's relative secret paths start: the topology file's directory. */
  static Path secretsDir(Options o) {
    Path dir = o.config().toAbsolutePath().getParent();
    return dir == null ? Path.of(".") : dir;
  }

  /** A running orchestrator. */
  public record Running(
      Orchestrator orchestrator,
      ApiServer api,
      ScheduledExecutorService scheduler,
      List<AutoCloseable> closeables)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      // first: a plan step still running (a rewind) would go on beside the next leader's
      orchestrator.stopPlans();
      api.close();
      scheduler.shutdownNow();
      for (AutoCloseable c : closeables) {
        c.close();
      }
      orchestrator.close();
    }
  }
}
