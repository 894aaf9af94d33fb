package io.summit.dr.orchestrator.detection;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one observer sees of every region at one instant.
 *
 * @param observer the observer's name, unique among the detector's observers
 * @param location where the observer stands: a region name, or {@code edge}
 * @param regions region name to what the observer sees of it; a region that is missing counts as
 *     {@link RegionHealth#UNKNOWN}
 * @param at when the observer looked
 * @param consecutive region name to how many probes in a row the observer itself has seen the
 *     region in its present health, when it counts them (an {@link ObserverDaemon} does); empty
 *     when it does not. A detector that polls the observer less often, or later, than the observer
 *     probes uses this count instead of waiting for as many polls of its own
 */
public record ObserverView(
    String observer,
    String location,
    Map<String, RegionHealth> regions,
    Instant at,
    Map<String, Integer> consecutive) {
  public ObserverView {
    if (observer.isBlank()) {
      throw new IllegalArgumentException("observer: '' (expected: a name)");
    }
    if (location.isBlank()) {
      throw new IllegalArgumentException(observer + ": location: '' (expected: a region or edge)");
    }
    regions = Collections.unmodifiableMap(new LinkedHashMap<>(regions));
    for (var e : consecutive.entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException(
            observer
                + ": consecutive."
                + e.getKey()
                + ": "
                + e.getValue()
                + " (expected: a count >= 0)");
      }
    }
    consecutive = Map.copyOf(consecutive);
  }

  /** A view without the observer's own probe counts. */
  public ObserverView(
      String observer, String location, Map<String, RegionHealth> regions, Instant at) {
    this(observer, location, regions, at, Map.of());
  }

  /** How many probes in a row the observer has seen {@code region} as it is now; 0 if unknown. */
  public int consecutive(String region) {
    return consecutive.getOrDefault(region, 0);
  }

  /** The view of an observer that could not be asked: every region {@link RegionHealth#UNKNOWN}. */
  public static ObserverView unreachable(
      String observer, String location, Collection<String> regions, Instant at) {
    Map<String, RegionHealth> unknown = new LinkedHashMap<>();
    regions.forEach(r -> unknown.put(r, RegionHealth.UNKNOWN));
    return new ObserverView(observer, location, unknown, at);
  }

  /** What the observer sees of {@code region}; {@link RegionHealth#UNKNOWN} when not reported. */
  public RegionHealth health(String region) {
    return regions.getOrDefault(region, RegionHealth.UNKNOWN);
  }
}
