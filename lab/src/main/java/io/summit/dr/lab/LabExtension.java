package io.summit.dr.lab;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Topology;
import java.nio.file.Path;
import java.util.List;

/**
 * A capability that adds its own processes to the lab (the orchestrator at the edge, an observer
 * per region, later the router and the workload service). Found with {@link
 * java.util.ServiceLoader}; {@code lab up} starts the daemons after the stores, in order, and waits
 * for each one's health URL; kill-region, kill, restart, status and down treat them like any other
 * component.
 */
public interface LabExtension {
  /** One Java process: its main class and arguments, where it listens and its health path. */
  record Daemon(
      String kind,
      String region,
      String mainClass,
      List<String> arguments,
      Endpoint address,
      String healthPath) {
    public Daemon {
      arguments = List.copyOf(arguments);
    }
  }

  List<Daemon> daemons(Topology topology, LabLayout layout, Path labDir, Path config);

  /**
   * Where this extension's daemons start relative to other extensions' (lower first): a daemon may
   * need another's API at start (the service clusters read the orchestrator's discovery).
   */
  default int order() {
    return 100;
  }
}
