package io.summit.dr.lab.cluster;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Autoscaling;
import io.summit.dr.topology.Service;
import io.summit.dr.topology.Topology;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a region's service cluster needs: the service and its bounds in this region (from the
 * topology), where the cluster's API and its instances listen, the edge router to register with,
 * the discovery endpoint the instances follow, and the autoscaler's settings.
 *
 * @param config the topology file (passed on to the instances)
 * @param slots the addresses instances may take, one each; their number caps the instance count
 * @param advertised the address by which the edge router reaches each slot, in slot order (the
 *     lab's WAN links from the edge), or empty when it reaches the slots themselves
 * @param routerAdmin the edge router's admin API ({@code https://HOST:PORT} or {@code
 *     http://HOST:PORT}), or null when no router fronts the region
 * @param via store address translations passed to the instances (see the service's {@code --via})
 * @param cpuRequestMillis each instance's CPU request in millicores: utilization is measured
 *     against it, as Kubernetes does
 * @param tick the control loop's period (readiness, reaping, registration)
 * @param scaleInterval how often the autoscaler decides
 * @param warmup how long a new instance's CPU is not counted (JIT compilation at start)
 * @param downscaleWindow how long a lower recommendation must hold before instances are removed
 */
public record ClusterConfig(
    Path config,
    Topology topology,
    String region,
    Endpoint listen,
    List<Endpoint> slots,
    List<Endpoint> advertised,
    @Nullable URI routerAdmin,
    List<URI> discovery,
    Map<Endpoint, Endpoint> via,
    Path logDir,
    int cpuRequestMillis,
    Duration tick,
    Duration scaleInterval,
    Duration warmup,
    Duration downscaleWindow) {

  public ClusterConfig {
    slots = List.copyOf(slots);
    advertised = List.copyOf(advertised);
    via = Map.copyOf(via);
    List<String> problems = new ArrayList<>();
    if (!advertised.isEmpty() && advertised.size() != slots.size()) {
      problems.add(
          "--advertise: "
              + advertised.size()
              + " addresses (expected: one per slot, "
              + slots.size()
              + ", or none)");
    }
    if (topology.services().isEmpty()) {
      problems.add("services: none in the topology (expected: the service to run)");
    } else {
      Service s = topology.services().get(0);
      Integer replicas = s.replicas().get(region);
      if (replicas == null) {
        problems.add(
            "services[0].replicas." + region + ": missing (expected: the instance count here)");
      }
      int max = bounds(s, region, replicas == null ? 1 : replicas).max();
      if (max > slots.size()) {
        problems.add(
            "services[0].autoscaling."
                + region
                + ".max: "
                + max
                + " (expected: at most "
                + slots.size()
                + ", the instance ports this cluster has)");
      }
    }
    if (cpuRequestMillis < 1) {
      problems.add("cpu-request: " + cpuRequestMillis + "m (expected: >= 1m)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  /** The address the edge router is told for the instance at {@code slot}. */
  public Endpoint advertisedAddress(Endpoint slot) {
    int i = slots.indexOf(slot);
    if (i < 0) {
      throw new IllegalArgumentException("slot: '" + slot + "' (expected: one of " + slots + ")");
    }
    return advertised.isEmpty() ? slot : advertised.get(i);
  }

  public Service service() {
    return topology.services().get(0);
  }

  /**
   * The region's availability zones in the topology, in its order (the instances spread over them);
   * empty when it has none.
   */
  public List<String> zones() {
    return topology.regions().stream()
        .filter(r -> r.name().equals(region))
        .findFirst()
        .map(io.summit.dr.topology.Region::zones)
        .orElse(List.of());
  }

  /** The instances the region starts with (the topology's replicas). */
  public int initialReplicas() {
    Integer r = service().replicas().get(region);
    return r == null ? 1 : r;
  }

  /** The autoscaling bounds of this region; fixed at the replica count when none are given. */
  public Autoscaling autoscaling() {
    return bounds(service(), region, initialReplicas());
  }

  private static Autoscaling bounds(Service s, String region, int replicas) {
    Autoscaling a = s.autoscaling().get(region);
    return a != null ? a : new Autoscaling(replicas, Math.max(1, replicas), 70);
  }

  /**
   * Defaults for the lab: 500m CPU request (the canary's 200 writes and 200 reads a second keep two
   * instances under the 70 % target; with 250m the autoscaler started instances during every drill,
   * and their JVMs' start-up starved the two cores), 250 ms tick, decide every 2 s, 20 s warm-up.
   */
  public static ClusterConfig lab(
      Path config,
      Topology topology,
      String region,
      Endpoint listen,
      List<Endpoint> slots,
      List<Endpoint> advertised,
      @Nullable URI routerAdmin,
      List<URI> discovery,
      Map<Endpoint, Endpoint> via,
      Path logDir) {
    return new ClusterConfig(
        config,
        topology,
        region,
        listen,
        slots,
        advertised,
        routerAdmin,
        discovery,
        via,
        logDir,
        500,
        Duration.ofMillis(250),
        Duration.ofSeconds(2),
        Duration.ofSeconds(20),
        Duration.ofSeconds(30));
  }
}
