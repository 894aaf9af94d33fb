package io.summit.dr.lab.control;

import io.summit.dr.lab.LabExtension;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.orchestrator.detection.ObserverDaemon;
import io.summit.dr.orchestrator.detection.ObserverDaemonConfig;
import io.summit.dr.orchestrator.detection.ProbeTarget;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.router.RouterMain;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts an observer into each region, the edge router (when {@code lab.edge_router} is set) and the
 * orchestrator (at the edge) into the lab. The edge router starts with no instances: the regions'
 * service clusters register theirs through its admin API once they are ready.
 */
public final class OrchestratorLabExtension implements LabExtension {
  @Override
  public List<Daemon> daemons(Topology topology, LabLayout layout, Path labDir, Path config) {
    List<Daemon> out = new ArrayList<>();
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--config",
            config.toString(),
            "--state-dir",
            labDir.resolve("orchestrator").toString()));
    args.addAll(List.of("--listen", layout.orchestrator().toString()));
    for (String region : layout.regions()) {
      out.add(observer(topology, layout, region));
      args.addAll(List.of("--observer", region + "=" + layout.observer(region)));
    }
    if (topology.lab().edgeRouter() && !topology.services().isEmpty()) {
      out.add(edgeRouter(topology, layout, config));
      args.addAll(List.of("--router-admin", layout.edgeRouterAdmin().toString()));
      args.addAll(List.of("--router", layout.edgeRouter().toString()));
    }
    out.add(
        new Daemon(
            "orchestrator",
            "edge",
            LabOrchestratorMain.class.getName(),
            args,
            layout.orchestrator(),
            "/healthz"));
    return out;
  }

  /** The global entry point: reads to the nearest healthy region, writes to the writer region. */
  private static Daemon edgeRouter(Topology topology, LabLayout layout, Path config) {
    return new Daemon(
        "router",
        "edge",
        RouterMain.class.getName(),
        List.of(
            "--config",
            config.toString(),
            "--role",
            "edge",
            "--service",
            topology.services().get(0).name(),
            "--listen",
            layout.edgeRouter().toString(),
            "--admin",
            layout.edgeRouterAdmin().toString(),
            "--io-threads",
            "2"),
        layout.edgeRouterAdmin(),
        "/v1/routing");
  }

  /** An observer in {@code region}, probing every other region's stores through the WAN. */
  private static Daemon observer(Topology topology, LabLayout layout, String region) {
    List<ProbeTarget> targets = new ArrayList<>();
    for (String other : layout.regions()) {
      if (!other.equals(region)) {
        for (Store s : topology.stores()) {
          targets.add(new ProbeTarget(other, s.kind(), layout.wan(region, other, s.kind())));
        }
      }
    }
    Endpoint at = layout.observer(region);
    ObserverDaemonConfig config =
        new ObserverDaemonConfig(
            region,
            at.host(),
            at.port(),
            targets,
            topology.health().probeInterval(),
            topology.health().timeout());
    return new Daemon(
        "observer",
        region,
        ObserverDaemon.class.getName(),
        ObserverDaemon.arguments(config),
        at,
        "/v1/view");
  }
}
