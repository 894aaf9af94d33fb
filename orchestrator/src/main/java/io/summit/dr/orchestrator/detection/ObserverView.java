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
 * @param answered false when the observer could not be asked at all (no answer in time, or an
 *     answer that is not a view); an observer that answered may still know nothing of a region
 */
public record ObserverView(
    String observer,
    String location,
    Map<String, RegionHealth> regions,
    Instant at,
    Map<String, Integer> consecutive,
    boolean answered) {
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

  /** The view of an observer that answered. */
  public ObserverView(
      String observer,
      String location,
      Map<String, RegionHealth> regions,
      Instant at,
      Map<String, Integer> consecutive) {
    this(observer, location, regions, at, consecutive, true);
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

  /**
   * The view of an observer that answers but has nothing to say yet (before its first probe, or
   * after one that failed): every region {@link RegionHealth#UNKNOWN}, {@link #answered()} true.
   */
  public static ObserverView knowingNothing(
      String observer, String location, Collection<String> regions, Instant at) {
    Map<String, RegionHealth> unknown = new LinkedHashMap<>();
    regions.forEach(r -> unknown.put(r, RegionHealth.UNKNOWN));
    return new ObserverView(observer, location, unknown, at);
  }

  /**
   * The view of an observer that could not be asked: every region {@link RegionHealth#UNKNOWN},
   * {@link #answered()} false.
   */
  public static ObserverView unreachable(
      String observer, String location, Collection<String> regions, Instant at) {
    Map<String, RegionHealth> unknown = new LinkedHashMap<>();
    regions.forEach(r -> unknown.put(r, RegionHealth.UNKNOWN));
    return new ObserverView(observer, location, unknown, at, Map.of(), false);
  }

  /** What the observer sees of {@code region}; {@link RegionHealth#UNKNOWN} when not reported. */
  public RegionHealth health(String region) {
    return regions.getOrDefault(region, RegionHealth.UNKNOWN);
  }
}
