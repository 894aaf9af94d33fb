package io.summit.dr.orchestrator;

import io.summit.dr.access.BearerToken;
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
    RegionProber prober = new RegionProber(direct, timeout);
    sources.add(new LocalObserver(o.id(), o.location(), prober, clock));
    BearerToken token = o.token().orElse(null);
    if (o.routerAdmin() != null) {
      sources.add(
          new RouterViewSource(
              "edge-router", o.routerAdmin(), regions, timeout, clock, token, o.trust()));
    }
    // With an edge router the observers also probe the edge (the lab passes them its address), so
    // a partition between an observer's location and the edge raises an alert too.
    List<String> alertOnly = o.routerAdmin() != null ? List.of(RegionProber.EDGE) : List.of();
    List<String> reported = new ArrayList<>(regions);
    reported.addAll(alertOnly);
    o.observers()
        .forEach(
            (region, address) ->
                sources.add(
                    new HttpObserverSource(
                        "observer-" + region,
                        region,
                        address,
                        reported,
                        timeout,
                        clock,
                        token,
                        o.trust())));
    QuorumDetector detector =
        new QuorumDetector(
            regions,
            alertOnly,
            topology.health(),
            sources,
            clock,
            scheduler,
            e -> onEvent(orchestrator, o.location(), e));
    DETECTOR.set(detector);
    detector.start();
    return List.of(detector, prober);
  }

  /**
   * Acts on one detection event. Events about a location without stores (the edge, which the
   * observers also probe) are alerts at most: observers in a quorum of locations that cannot reach
   * it mean the edge itself is down or cut off; fewer, a partition between them and the edge.
   */
  private static void onEvent(Orchestrator orchestrator, String location, DetectionEvent event) {
    boolean region = orchestrator.regions().contains(event.region());
    switch (event) {
      case DetectionEvent.RegionFailed f -> {
        if (region) {
          orchestrator.regionFailed(f.region(), f.agreeingObservers());
        } else {
          orchestrator
              .events()
              .publish(
                  "alert-location-unreachable",
                  Map.of(
                      "location",
                      f.region(),
                      "seeing_down",
                      f.agreeingObservers(),
                      "reason",
                      "observers in a quorum of locations cannot reach " + f.region()));
        }
      }
      case DetectionEvent.RegionRecovered r -> {
        if (region) {
          orchestrator.regionRecovered(r.region());
        } else {
          orchestrator.events().publish("location-reachable", Map.of("location", r.region()));
        }
      }
      case DetectionEvent.PartitionSuspected p ->
          orchestrator.partitionSuspected(p.region(), p.seeingDown(), p.seeingUp());
      case DetectionEvent.PartitionHealed h ->
          orchestrator.events().publish("partition-healed", Map.of("region", h.region()));
      case DetectionEvent.ObserverUnreachable u -> {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("observer", u.observer());
        data.put("location", u.location());
        data.put("from", location);
        data.put("polls", u.polls());
        data.put(
            "reason",
            "no answer from "
                + u.observer()
                + " for "
                + u.polls()
                + " polls: the link between "
                + location
                + " and "
                + u.location()
                + " is cut, or the observer is down; its location does not vote meanwhile");
        orchestrator.events().publish("alert-observer-unreachable", data);
      }
      case DetectionEvent.ObserverReachable r ->
          orchestrator
              .events()
              .publish(
                  "observer-reachable",
                  Map.of("observer", r.observer(), "location", r.location(), "from", location));
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
