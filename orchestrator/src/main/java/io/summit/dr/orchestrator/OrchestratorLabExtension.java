package io.summit.dr.orchestrator;

import io.summit.dr.lab.LabExtension;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Puts the orchestrator (at the edge) into the lab. */
public final class OrchestratorLabExtension implements LabExtension {
  @Override
  public List<Daemon> daemons(Topology topology, LabLayout layout, Path labDir, Path config) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                config.toString(),
                "--lab-dir",
                labDir.toString(),
                "--listen",
                layout.orchestrator().toString()));
    return List.of(
        new Daemon(
            "orchestrator",
            "edge",
            OrchestratorMain.class.getName(),
            args,
            layout.orchestrator(),
            "/healthz"));
  }
}
