package io.summit.dr.router;

import io.netty.util.ResourceLeakDetector;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.Tls;
import io.summit.dr.routing.Endpoint;
import io.summit.dr.topology.Service;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code summit-dr router}: runs the global router (edge) or a regional gateway until SIGTERM or
 * SIGINT. Bad arguments exit 2 with a message naming the option.
 */
@Command(
    name = "router",
    mixinStandardHelpOptions = true,
    description = {
      "Run the HTTP router: the edge (global entry: reads to the nearest healthy region, writes to"
          + " the writer region) or a region's gateway (reads from its own region, writes to the"
          + " writer region). Runs until SIGTERM; logs one line when listening.",
      "",
      "Backends: --backend REGION=HOST:PORT, repeatable, one per instance.",
      "  edge:    the instances (or the gateways) of each region.",
      "  gateway: for its own region (--region) the local instances; for every other region the"
          + " address of that region's gateway, where writes are forwarded while that region is"
          + " the writer.",
      "Regions without --backend start empty; the admin API registers instances later"
          + " (PUT /v1/regions/REGION/instances). The initial writer is the topology's primary;"
          + " PUT /v1/writer changes it.",
      ""
    })
public final class RouterCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "Topology file (YAML): regions, service, routing and health policy.")
  Path config;

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      defaultValue = "edge",
      description = "edge or gateway (default: ${DEFAULT-VALUE}).")
  String role;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "The gateway's own region (required with --role gateway, refused with edge).")
  @Nullable String region;

  @Option(
      names = "--service",
      paramLabel = "NAME",
      description = "The service routed (default: the topology's only service).")
  @Nullable String service;

  @Option(
      names = "--listen",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Where the proxy listens (port 0: any free port).")
  String listen;

  @Option(
      names = "--admin",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Where the admin API and /metrics listen (port 0: any free port).")
  String admin;

  @Option(
      names = "--backend",
      paramLabel = "REGION=HOST:PORT",
      description = "A backend of a region; repeatable (see above).")
  List<String> backends = new ArrayList<>();

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      defaultValue = "0",
      description = "Event-loop threads (0: twice the cores).")
  int ioThreads;

  @Option(
      names = "--access-file",
      paramLabel = "FILE",
      description =
          "The access list (mode 0600, NAME ROLE sha256:HEX lines): the admin API then needs a"
              + " listed caller's bearer token, a viewer's to read, an operator's to move the"
              + " writer or drain, an admin's to register instances. Without it the admin API is"
              + " open to anyone who reaches it.")
  @Nullable Path accessFile;

  @Option(
      names = Tls.CERT_FILE,
      paramLabel = "FILE",
      description =
          "The admin API's certificate chain (PEM, its own certificate first): the admin API then"
              + " listens with HTTPS only. Needs --tls-key. The proxy is not affected.")
  @Nullable Path tlsCert;

  @Option(
      names = Tls.KEY_FILE,
      paramLabel = "FILE",
      description = "The private key of --tls-cert (PEM, PKCS#8, mode 0600).")
  @Nullable Path tlsKey;

  /**
   * The command as a program of its own: bad arguments exit 2 with {@code router: } and a message
   * naming the option, other failures 1.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new RouterCommand());
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          line.getErr().println("router: " + e.getMessage());
          return e instanceof IllegalArgumentException ? 2 : 1;
        });
    return cli;
  }

  @Override
  public Integer call() throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Router router = start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  router.close();
                  stopped.countDown();
                },
                "router-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Starts the router the parsed options describe.
   *
   * @throws IllegalArgumentException naming the option when one is bad
   */
  public Router start() {
    AccessList access = accessFile == null ? null : AccessList.read("--access-file", accessFile);
    SSLContext tls = Tls.serverOrPlain(tlsCert, tlsKey);
    Topology topology = TopologyLoader.load(config);
    Role r = parseRole();
    checkRegion(topology, r);
    RouterConfig routerConfig =
        RouterConfig.of(
                topology,
                serviceName(topology),
                r,
                region,
                address("--listen", listen),
                address("--admin", admin),
                parseBackends(topology))
            .withIoThreads(checkThreads());
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      // This process owns its Netty: buffer-leak sampling costs throughput and is for tests.
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    return Router.start(routerConfig, access, tls);
  }

  private Role parseRole() {
    return switch (role.toLowerCase(Locale.ROOT)) {
      case "edge" -> Role.EDGE;
      case "gateway" -> Role.GATEWAY;
      default ->
          throw new IllegalArgumentException("--role: '" + role + "' (expected: edge or gateway)");
    };
  }

  private int checkThreads() {
    if (ioThreads < 0) {
      throw new IllegalArgumentException("--io-threads: " + ioThreads + " (expected: >= 0)");
    }
    return ioThreads;
  }

  private void checkRegion(Topology topology, Role r) {
    if (r == Role.GATEWAY && region == null) {
      throw new IllegalArgumentException(
          "--region: missing (expected: the gateway's own region with --role gateway)");
    }
    if (r == Role.EDGE && region != null) {
      throw new IllegalArgumentException(
          "--region: '" + region + "' (expected: no --region with --role edge)");
    }
    if (region != null) {
      requireServingRegion(topology, "--region", region);
    }
  }

  private String serviceName(Topology topology) {
    List<String> names = topology.services().stream().map(Service::name).toList();
    if (service == null) {
      if (names.size() != 1) {
        throw new IllegalArgumentException(
            "--service: missing (expected: one of " + String.join(", ", names) + ")");
      }
      return names.get(0);
    }
    if (!names.contains(service)) {
      throw new IllegalArgumentException(
          "--service: '"
              + service
              + "' is not a service of "
              + config
              + " (expected: one of "
              + String.join(", ", names)
              + ")");
    }
    return service;
  }

  private Map<String, List<Endpoint>> parseBackends(Topology topology) {
    Map<String, List<Endpoint>> map = new LinkedHashMap<>();
    for (String b : backends) {
      int eq = b.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--backend: '" + b + "' (expected: REGION=HOST:PORT)");
      }
      String name = b.substring(0, eq);
      requireServingRegion(topology, "--backend", name);
      Endpoint e;
      try {
        e = Endpoint.parse(b.substring(eq + 1));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException(
            "--backend: '" + b + "': " + bad.getMessage() + " (expected: REGION=HOST:PORT)", bad);
      }
      List<Endpoint> list = map.computeIfAbsent(name, k -> new ArrayList<>());
      if (list.contains(e)) {
        throw new IllegalArgumentException("--backend: '" + b + "' given twice");
      }
      list.add(e);
    }
    return map;
  }

  private static void requireServingRegion(Topology topology, String option, String name) {
    List<String> serving = topology.servingRegions();
    if (!serving.contains(name)) {
      throw new IllegalArgumentException(
          option
              + ": '"
              + name
              + "' is not a primary or secondary region (expected: one of "
              + String.join(", ", serving)
              + ")");
    }
  }

  /** Parses HOST:PORT, port 0..65535 (0: any free port). */
  static InetSocketAddress address(String option, String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(option + ": '" + text + "' (expected: HOST:PORT)");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' (expected: HOST:PORT, PORT a number)", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' (expected: HOST:PORT, PORT 0..65535)");
    }
    return new InetSocketAddress(text.substring(0, colon), port);
  }
}
