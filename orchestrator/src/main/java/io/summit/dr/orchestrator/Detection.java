package io.summit.dr.orchestrator;

import io.summit.dr.topology.Topology;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/** Wires failure detection to the orchestrator (placeholder until the detectors land). */
final class Detection {
  private Detection() {}

  static List<AutoCloseable> start(
      Orchestrator orchestrator,
      Topology topology,
      Stores stores,
      OrchestratorMain.Options o,
      Clock clock,
      ScheduledExecutorService scheduler) {
    return List.of();
  }

  static Map<String, Object> regionsView(Orchestrator orchestrator) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String region : orchestrator.regions()) {
      out.put(region, Map.of("writer", region.equals(orchestrator.writerRegion())));
    }
    return out;
  }
}
