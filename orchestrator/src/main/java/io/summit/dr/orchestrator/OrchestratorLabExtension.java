package io.summit.dr.orchestrator;

import io.summit.dr.lab.LabExtension;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.orchestrator.detection.ObserverDaemon;
import io.summit.dr.orchestrator.detection.ObserverDaemonConfig;
import io.summit.dr.orchestrator.detection.ProbeTarget;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Puts an observer into each region and the orchestrator (at the edge) into the lab. */
public final class OrchestratorLabExtension implements LabExtension {
  @Override
  public List<Daemon> daemons(Topology topology, LabLayout layout, Path labDir, Path config) {
    List<Daemon> out = new ArrayList<>();
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--config", config.toString(), "--lab-dir", labDir.toString()));
    args.addAll(List.of("--listen", layout.orchestrator().toString()));
    for (String region : layout.regions()) {
      out.add(observer(topology, layout, region));
      args.addAll(List.of("--observer", region + "=" + layout.observer(region)));
    }
    out.add(
        new Daemon(
            "orchestrator",
            "edge",
            OrchestratorMain.class.getName(),
            args,
            layout.orchestrator(),
            "/healthz"));
    return out;
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
