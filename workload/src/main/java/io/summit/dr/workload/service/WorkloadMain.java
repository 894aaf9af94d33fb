package io.summit.dr.workload.service;

import io.summit.dr.access.AccessOptions;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import io.summit.dr.workload.Flags;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * Runs one instance of the sample service until SIGTERM:
 *
 * <pre>
 * WorkloadMain --config FILE --region R --listen HOST:PORT --discovery http://HOST:PORT[,http://HOST:PORT...]
 *              [--name NAME] [--zone ZONE] [--via HOST:PORT=HOST:PORT ...]
 * </pre>
 *
 * {@code --zone} names the availability zone the instance runs in, one of its region's {@code
 * zones} in the topology: the instance then answers every request with {@value
 * WorkloadService#ZONE_HEADER} and names the zone in {@code /healthz} and {@code /readyz}. {@code
 * --via} maps a store address discovery names to the address this process reaches it by (in the
 * lab: another region's store through the WAN link from this region). Bad arguments exit 2 with a
 * message naming the option.
 */
public final class WorkloadMain {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkloadMain.class);

  /** The flag that names the instance's zone; its value follows it as the next argument. */
  public static final String ZONE_FLAG = "--zone";

  /**
   * The parsed command line.
   *
   * @param zone the availability zone the instance runs in, or null when its region has none
   */
  public record Options(
      Path config,
      String region,
      Endpoint listen,
      List<URI> discovery,
      String name,
      Map<Endpoint, Endpoint> via,
      @Nullable String zone) {
    public Options {
      if (discovery.isEmpty()) {
        throw new IllegalArgumentException(
            "--discovery: empty (expected: http://HOST:PORT, several separated by commas)");
      }
      if (zone != null && (zone.isBlank() || zone.startsWith("-"))) {
        throw new IllegalArgumentException(
            ZONE_FLAG + ": '" + zone + "' (expected: a zone name of region " + region + ")");
      }
      discovery = List.copyOf(discovery);
      via = Map.copyOf(via);
    }

    /** Without a zone. */
    public Options(
        Path config,
        String region,
        Endpoint listen,
        List<URI> discovery,
        String name,
        Map<Endpoint, Endpoint> via) {
      this(config, region, listen, discovery, name, via, null);
    }

    /** One orchestrator replica's discovery endpoint. */
    public Options(
        Path config,
        String region,
        Endpoint listen,
        URI discovery,
        String name,
        Map<Endpoint, Endpoint> via) {
      this(config, region, listen, List.of(discovery), name, via, null);
    }

    /** The command-line arguments that parse back to these options. */
    public List<String> arguments() {
      List<String> out = new java.util.ArrayList<>();
      out.addAll(List.of("--config", config.toString(), "--region", region));
      out.addAll(List.of("--listen", listen.toString(), "--discovery", joined(discovery)));
      out.addAll(List.of("--name", name));
      if (zone != null) {
        out.addAll(List.of(ZONE_FLAG, zone));
      }
      via.forEach((from, to) -> out.addAll(List.of("--via", from + "=" + to)));
      return out;
    }
  }

  private static String joined(List<URI> uris) {
    return String.join(",", uris.stream().map(URI::toString).toList());
  }

  private WorkloadMain() {}

  public static void main(String[] args) throws Exception {
    Options o;
    Topology topology;
    AccessOptions access;
    try {
      access = AccessOptions.split(List.of(args));
      o = parse(access.rest().toArray(String[]::new));
      topology = TopologyLoader.load(o.config());
    } catch (IllegalArgumentException e) {
      System.err.println("workload: " + e.getMessage());
      System.exit(2);
      return;
    }
    WorkloadService service =
        new WorkloadService(
            topology,
            o.region(),
            o.name(),
            new InetSocketAddress(o.listen().host(), o.listen().port()),
            o.discovery(),
            e -> o.via().getOrDefault(e, e),
            access.token().orElse(null),
            o.zone(),
            access.trust().orElse(null));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  stopped.countDown();
                }));
    service.start();
    LOG.info(
        "{}: serving {}{} on {}",
        o.name(),
        o.region(),
        o.zone() == null ? "" : " in zone " + o.zone(),
        o.listen());
    stopped.await();
  }

  static Options parse(String[] args) {
    Flags f =
        Flags.parse(
            args,
            Set.of(
                "--config", "--region", "--listen", "--discovery", "--name", ZONE_FLAG, "--via"));
    String region = f.required("--region");
    String name = f.optional("--name");
    return new Options(
        Path.of(f.required("--config")),
        region,
        Flags.endpoint("--listen", f.required("--listen")),
        uris(f.required("--discovery")),
        name == null ? "service-" + region : name,
        f.routes("--via"),
        f.optional(ZONE_FLAG));
  }

  private static List<URI> uris(String list) {
    List<URI> out = new java.util.ArrayList<>();
    for (String item : list.split(",", -1)) {
      out.add(uri(item.strip()));
    }
    return out;
  }

  private static URI uri(String value) {
    String message =
        "--discovery: '"
            + value
            + "' (expected: http://HOST:PORT or https://HOST:PORT, several separated by commas)";
    URI u;
    try {
      u = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(message, e);
    }
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
      throw new IllegalArgumentException(message);
    }
    return u;
  }
}
