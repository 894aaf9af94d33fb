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
 */
public record ObserverView(
    String observer, String location, Map<String, RegionHealth> regions, Instant at) {
  public ObserverView {
    if (observer.isBlank()) {
      throw new IllegalArgumentException("observer: '' (expected: a name)");
    }
    if (location.isBlank()) {
      throw new IllegalArgumentException(observer + ": location: '' (expected: a region or edge)");
    }
    regions = Collections.unmodifiableMap(new LinkedHashMap<>(regions));
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
