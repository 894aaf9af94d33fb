package io.summit.dr.lab.control;

import io.summit.dr.lab.Lab;
import io.summit.dr.orchestrator.OrchestratorMain;
import io.summit.dr.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The orchestrator as the lab runs it: {@link OrchestratorMain}'s command line, with the lab's
 * stores, service clusters and edge router. The lab directory is found from {@code --state-dir}
 * (the lab passes {@code LABDIR/orchestrator}).
 */
public final class LabOrchestratorMain {
  private LabOrchestratorMain() {}

  public static void main(String[] args) throws Exception {
    OrchestratorMain.main(args, LabOrchestratorMain::environment);
  }

  /** The lab's stores and service clusters, for an orchestrator whose state sits in the lab. */
  public static OrchestratorMain.Environment environment(
      OrchestratorMain.Options options, Topology topology) {
    Path labDir = options.stateDir().toAbsolutePath().getParent();
    if (labDir == null) {
      throw new IllegalArgumentException(
          "--state-dir: " + options.stateDir() + " (expected: a directory inside the lab's)");
    }
    Lab lab = Lab.at(labDir).as(io.summit.dr.lab.LabAccess.ORCHESTRATOR);
    return OrchestratorMain.Environment.withEdgeRouter(
        options,
        new LabStores(lab, topology, Duration.ofSeconds(1), options.location()),
        new LabServices(lab));
  }
}
