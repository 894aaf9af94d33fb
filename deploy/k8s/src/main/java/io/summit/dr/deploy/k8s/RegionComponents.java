package io.summit.dr.deploy.k8s;

import io.summit.dr.topology.Autoscaling;
import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import io.summit.dr.topology.Service;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The components that run in one region: the topology's services, a regional router per service,
 * the orchestrator replica and the region agent (a witness region runs the orchestrator only).
 * Containers read the topology from {@value #TOPOLOGY}, mounted from the rendered ConfigMap.
 */
final class RegionComponents {
  static final String TOPOLOGY = "/etc/summit/topology.yaml";
  static final int ROUTER_PORT = 8080;
  static final int ROUTER_ADMIN_PORT = 8081;
  static final int ORCHESTRATOR_PORT = 7000;
  static final int AGENT_PORT = 7100;

  private final Topology topology;
  private final Region region;

  RegionComponents(Topology topology, Region region) {
    this.topology = topology;
    this.region = region;
  }

  List<Component> all() {
    List<Component> out = new ArrayList<>();
    if (region.role() != RegionRole.WITNESS) {
      topology.services().forEach(s -> out.add(service(s)));
      topology.services().forEach(s -> out.add(router(s)));
    }
    out.add(orchestrator());
    if (region.role() != RegionRole.WITNESS) {
      out.add(agent());
    }
    return out;
  }

  /**
   * The primary at its replicas; a secondary at its autoscaling minimum (scaled up on failover).
   */
  static int replicas(Service s, Region region) {
    Integer own = s.replicas().get(region.name());
    Autoscaling bounds = s.autoscaling().get(region.name());
    if (region.role() == RegionRole.PRIMARY || bounds == null) {
      return own != null ? own : bounds != null ? bounds.min() : 1;
    }
    return bounds.min();
  }

  private Component service(Service s) {
    boolean spot = !s.critical() && region.role() == RegionRole.SECONDARY;
    return new Component(
        s.name(),
        "service",
        s.name(),
        List.of(),
        Map.of("http", s.port()),
        s.healthPath(),
        "http",
        replicas(s, region),
        spot,
        false,
        Component.Api.NONE);
  }

  private Component router(Service s) {
    String backend = s.name() + "." + "$(POD_NAMESPACE)" + ".svc:" + s.port();
    List<String> args =
        List.of(
            "router",
            "--config=" + TOPOLOGY,
            "--role=gateway",
            "--region=" + region.name(),
            "--service=" + s.name(),
            "--listen=0.0.0.0:" + ROUTER_PORT,
            "--admin=0.0.0.0:" + ROUTER_ADMIN_PORT,
            "--backend=" + region.name() + "=" + backend);
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("admin", ROUTER_ADMIN_PORT); // first: the probes' port
    ports.put("http", ROUTER_PORT);
    return new Component(
        "router-" + s.name(),
        "router",
        "summit-dr",
        withCredentials(args, Component.Api.SERVES),
        ports,
        "/healthz",
        "admin",
        2,
        false,
        false,
        Component.Api.SERVES);
  }

  private Component orchestrator() {
    List<String> args =
        List.of("orchestrator", "--config=" + TOPOLOGY, "--listen=0.0.0.0:" + ORCHESTRATOR_PORT);
    return new Component(
        "orchestrator",
        "control-plane",
        "summit-dr",
        withCredentials(args, Component.Api.SERVES_AND_CALLS),
        Map.of("api", ORCHESTRATOR_PORT),
        "/healthz",
        "api",
        1,
        false,
        true,
        Component.Api.SERVES_AND_CALLS);
  }

  private Component agent() {
    // The agent reads "--flag value" pairs only (no "--flag=value").
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--config", TOPOLOGY));
    args.addAll(List.of("--region", region.name()));
    args.addAll(List.of("--etcd", "http://etcd.$(POD_NAMESPACE).svc:2379"));
    args.addAll(List.of("--listen", "0.0.0.0:" + AGENT_PORT));
    for (Store store : topology.stores()) {
      if (store.involves(region.name()) && agentWatches(store.kind())) {
        args.add("--store");
        args.add(
            store.kind().name().toLowerCase(java.util.Locale.ROOT)
                + "="
                + store.name()
                + ".$(POD_NAMESPACE).svc:"
                + defaultPort(store.kind()));
      }
    }
    return new Component(
        "agent",
        "agent",
        "summit-dr-agent",
        withCredentials(args, Component.Api.SERVES),
        Map.of("http", AGENT_PORT),
        "/healthz",
        "http",
        1,
        false,
        false,
        Component.Api.SERVES);
  }

  private static List<String> withCredentials(List<String> args, Component.Api api) {
    List<String> out = new ArrayList<>(args);
    out.addAll(ControlCredentials.arguments(api));
    return out;
  }

  private static boolean agentWatches(StoreKind kind) {
    return kind == StoreKind.POSTGRES || kind == StoreKind.REDIS;
  }

  private static int defaultPort(StoreKind kind) {
    return kind == StoreKind.POSTGRES ? 5432 : 6379;
  }
}
