package io.summit.dr.lab.cluster;

import io.summit.dr.access.AccessOptions;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.TopologyLoader;
import io.summit.dr.workload.Flags;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * Runs a region's service cluster until SIGTERM (which stops its instances):
 *
 * <pre>
 * ClusterMain --config FILE --region R --listen HOST:PORT --discovery http://HOST:PORT[,http://HOST:PORT...]
 *             --slots HOST:FIRST-LAST --log-dir DIR [--router-admin https://HOST:PORT]
 *             [--via HOST:PORT=HOST:PORT ...] [--cpu-request 500m]
 * </pre>
 *
 * Bad arguments exit 2 with a message naming the option.
 */
public final class ClusterMain {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterMain.class);

  /** The token file each instance reads discovery with (a viewer's). */
  public static final String SERVICE_TOKEN_FILE = "--service-token-file";

  private ClusterMain() {}

  public static void main(String[] args) throws Exception {
    ClusterConfig config;
    AccessOptions access;
    java.nio.file.Path instanceToken = null;
    try {
      access = AccessOptions.split(List.of(args));
      List<String> rest = new java.util.ArrayList<>(access.rest());
      int at = rest.indexOf(SERVICE_TOKEN_FILE);
      if (at >= 0) {
        if (at + 1 >= rest.size()) {
          throw new IllegalArgumentException(SERVICE_TOKEN_FILE + ": missing value");
        }
        instanceToken = java.nio.file.Path.of(rest.get(at + 1));
        io.summit.dr.access.BearerToken.read(SERVICE_TOKEN_FILE, instanceToken);
        rest.subList(at, at + 2).clear();
      }
      config = parse(rest.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      System.err.println("cluster: " + e.getMessage());
      System.exit(2);
      return;
    }
    RegionCluster cluster =
        new RegionCluster(config, Clock.systemUTC(), access.serverTls())
            .secure(access.access().orElse(null), access.token().orElse(null), instanceToken)
            .trusting(access.caFile().orElse(null));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  cluster.close();
                  stopped.countDown();
                }));
    cluster.start();
    LOG.info(
        config.region()
            + " cluster: "
            + config.service().name()
            + " x"
            + config.initialReplicas()
            + " (autoscaling "
            + config.autoscaling().min()
            + ".."
            + config.autoscaling().max()
            + "), API on "
            + config.listen());
    stopped.await();
  }

  /** The arguments that make {@link #parse} return a lab cluster with these settings. */
  public static List<String> arguments(
      Path config,
      String region,
      Endpoint listen,
      List<URI> discovery,
      List<Endpoint> slots,
      List<Endpoint> advertised,
      Path logDir,
      @Nullable URI routerAdmin,
      Map<Endpoint, Endpoint> via) {
    List<String> out = new ArrayList<>();
    out.addAll(List.of("--config", config.toString(), "--region", region));
    out.addAll(
        List.of(
            "--listen",
            listen.toString(),
            "--discovery",
            String.join(",", discovery.stream().map(URI::toString).toList())));
    Endpoint first = slots.get(0);
    out.addAll(
        List.of(
            "--slots",
            first.host() + ":" + first.port() + "-" + slots.get(slots.size() - 1).port()));
    if (!advertised.isEmpty()) {
      out.addAll(List.of("--advertise", range(advertised)));
    }
    out.addAll(List.of("--log-dir", logDir.toString()));
    if (routerAdmin != null) {
      out.addAll(List.of("--router-admin", routerAdmin.toString()));
    }
    via.forEach((from, to) -> out.addAll(List.of("--via", from + "=" + to)));
    return out;
  }

  static ClusterConfig parse(String[] args) {
    Flags f =
        Flags.parse(
            args,
            Set.of(
                "--config",
                "--region",
                "--listen",
                "--discovery",
                "--slots",
                "--advertise",
                "--log-dir",
                "--router-admin",
                "--via",
                "--cpu-request"));
    Path file = Path.of(f.required("--config"));
    String router = f.optional("--router-admin");
    String cpu = f.optional("--cpu-request");
    String advertise = f.optional("--advertise");
    ClusterConfig lab =
        ClusterConfig.lab(
            file,
            TopologyLoader.load(file),
            f.required("--region"),
            Flags.endpoint("--listen", f.required("--listen")),
            slots("--slots", f.required("--slots")),
            advertise == null ? List.of() : slots("--advertise", advertise),
            router == null ? null : io.summit.dr.access.Tls.url("--router-admin", router),
            java.util.Arrays.stream(f.required("--discovery").split(",")).map(URI::create).toList(),
            f.routes("--via"),
            Path.of(f.required("--log-dir")));
    return new ClusterConfig(
        lab.config(),
        lab.topology(),
        lab.region(),
        lab.listen(),
        lab.slots(),
        lab.advertised(),
        lab.routerAdmin(),
        lab.discovery(),
        lab.via(),
        lab.logDir(),
        cpu == null ? lab.cpuRequestMillis() : millicores(cpu),
        lab.tick(),
        lab.scaleInterval(),
        lab.warmup(),
        lab.downscaleWindow());
  }

  /** {@code HOST:FIRST-LAST} for consecutive ports on one host. */
  private static String range(List<Endpoint> endpoints) {
    Endpoint first = endpoints.get(0);
    Endpoint last = endpoints.get(endpoints.size() - 1);
    if (last.port() - first.port() != endpoints.size() - 1
        || endpoints.stream().anyMatch(e -> !e.host().equals(first.host()))) {
      throw new IllegalArgumentException(
          "--advertise: " + endpoints + " (expected: consecutive ports on one host)");
    }
    return first.host() + ":" + first.port() + "-" + last.port();
  }

  private static List<Endpoint> slots(String flag, String value) {
    int colon = value.lastIndexOf(':');
    int dash = value.lastIndexOf('-');
    try {
      String host = value.substring(0, colon);
      int first = Integer.parseInt(value.substring(colon + 1, dash));
      int last = Integer.parseInt(value.substring(dash + 1));
      if (colon <= 0 || last < first) {
        throw new IllegalArgumentException("range");
      }
      List<Endpoint> out = new ArrayList<>();
      for (int p = first; p <= last; p++) {
        out.add(new Endpoint(host, p));
      }
      return out;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          flag + ": '" + value + "' (expected: HOST:FIRST-LAST, e.g. 127.0.0.1:26050-26059)", e);
    }
  }

  private static int millicores(String value) {
    try {
      int m =
          value.endsWith("m")
              ? Integer.parseInt(value.substring(0, value.length() - 1))
              : (int) Math.round(Double.parseDouble(value) * 1000);
      if (m < 1) {
        throw new NumberFormatException();
      }
      return m;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--cpu-request: '" + value + "' (expected: millicores like 250m, or cores like 0.5)", e);
    }
  }
}
