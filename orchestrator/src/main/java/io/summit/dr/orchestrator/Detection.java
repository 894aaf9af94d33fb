package io.summit.dr.orchestrator;

import io.summit.dr.orchestrator.detection.DetectionEvent;
import io.summit.dr.orchestrator.detection.HttpObserverSource;
import io.summit.dr.orchestrator.detection.LocalObserver;
import io.summit.dr.orchestrator.detection.ObserverSource;
import io.summit.dr.orchestrator.detection.ProbeTarget;
import io.summit.dr.orchestrator.detection.QuorumDetector;
import io.summit.dr.orchestrator.detection.RegionHealth;
import io.summit.dr.orchestrator.detection.RegionProber;
import io.summit.dr.orchestrator.detection.RouterViewSource;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.Topology;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Wires failure detection to the orchestrator: the orchestrator's own probes (at the edge), the
 * edge router's health view when there is a router, and one observer per region; a quorum detector
 * turns their views into events, and the orchestrator acts on them.
 */
final class Detection {
  private static final AtomicReference<@Nullable QuorumDetector> DETECTOR = new AtomicReference<>();

  private Detection() {}

  static List<AutoCloseable> start(
      Orchestrator orchestrator,
      Topology topology,
      Stores stores,
      OrchestratorMain.Options o,
      Clock clock,
      ScheduledExecutorService scheduler) {
    List<String> regions = orchestrator.regions();
    Duration timeout = topology.health().timeout();
    List<ProbeTarget> direct = new ArrayList<>();
    for (Store s : topology.stores()) {
      if (!ProbeTarget.probes(s.kind())) {
        continue;
      }
      for (String region : regions) {
        direct.add(new ProbeTarget(region, s.kind(), stores.probeEndpoint(s.name(), region)));
      }
    }
    List<ObserverSource> sources = new ArrayList<>();
    sources.add(new LocalObserver(o.id(), o.location(), new RegionProber(direct, timeout), clock));
    if (o.routerAdmin() != null) {
      sources.add(new RouterViewSource("edge-router", o.routerAdmin(), regions, timeout, clock));
    }
    o.observers()
        .forEach(
            (region, address) ->
                sources.add(
                    new HttpObserverSource(
                        "observer-" + region,
                        region,
                        URI.create("http://" + address),
                        regions,
                        timeout,
                        clock)));
    QuorumDetector detector =
        new QuorumDetector(
            regions, topology.health(), sources, clock, scheduler, e -> onEvent(orchestrator, e));
    DETECTOR.set(detector);
    detector.start();
    return List.of(detector);
  }

  private static void onEvent(Orchestrator orchestrator, DetectionEvent event) {
    switch (event) {
      case DetectionEvent.RegionFailed f ->
          orchestrator.regionFailed(f.region(), f.agreeingObservers());
      case DetectionEvent.PartitionSuspected p ->
          orchestrator.partitionSuspected(p.region(), p.seeingDown(), p.seeingUp());
      case DetectionEvent.RegionRecovered r -> orchestrator.regionRecovered(r.region());
      case DetectionEvent.PartitionHealed h ->
          orchestrator.events().publish("partition-healed", Map.of("region", h.region()));
    }
  }

  /** Per region: writer flag, failed flag and each observer's view. */
  static Map<String, Object> regionsView(Orchestrator orchestrator) {
    QuorumDetector detector = DETECTOR.get();
    Map<String, Object> out = new LinkedHashMap<>();
    for (String region : orchestrator.regions()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("writer", region.equals(orchestrator.writerRegion()));
      if (detector != null) {
        r.put("failed", detector.failedRegions().contains(region));
        Map<String, String> views = new LinkedHashMap<>();
        detector
            .lastViews()
            .forEach(
                (observer, view) -> {
                  RegionHealth h = view.get(region);
                  views.put(
                      observer,
                      h == null ? "unknown" : h.name().toLowerCase(java.util.Locale.ROOT));
                });
        r.put("observers", views);
      }
      out.put(region, r);
    }
    return out;
  }
}
