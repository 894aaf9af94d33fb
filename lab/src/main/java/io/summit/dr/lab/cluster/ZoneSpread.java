package io.summit.dr.lab.cluster;

import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a region's service instances go among its zones, the EKS topology-spread model with a skew
 * of one: a new instance goes to the zone with the fewest live instances, ties to the first zone in
 * the topology's order; scaling down removes from the zone with the most, ties to the last zone.
 * Only what the cluster sees counts (which instance processes live): a zone whose instances were
 * all killed has the fewest and gets the next one.
 *
 * <p>Stateless; thread-safe.
 */
final class ZoneSpread {
  private ZoneSpread() {}

  /**
   * The zone of the next instance, given the zones of the live ones; null when the region has no
   * zones.
   */
  static @Nullable String place(List<String> zones, Collection<String> live) {
    return place(zones, java.util.Set.of(), live);
  }

  /**
   * As {@link #place(List, Collection)}, among the zones not {@code down} (EKS schedules no pod on
   * a lost zone's nodes); when every zone is down, among all of them (the instance has to run
   * somewhere in the lab).
   */
  static @Nullable String place(
      List<String> zones, java.util.Set<String> down, Collection<String> live) {
    List<String> up = zones.stream().filter(z -> !down.contains(z)).toList();
    String best = null;
    long fewest = Long.MAX_VALUE;
    for (String z : up.isEmpty() ? zones : up) {
      long n = count(live, z);
      if (n < fewest) {
        best = z;
        fewest = n;
      }
    }
    return best;
  }

  /**
   * The zone to remove an instance from, given the zones of the live ones; null when the region has
   * no zones or no instance has a zone.
   */
  static @Nullable String removeFrom(List<String> zones, Collection<String> live) {
    String best = null;
    long most = 0;
    for (String z : zones) {
      long n = count(live, z);
      if (n > 0 && n >= most) {
        best = z;
        most = n;
      }
    }
    return best;
  }

  /**
   * Whether the live instances are spread unevenly over the zones that are up: the most and the
   * fewest in one of them differ by more than one (a topology spread constraint of skew one).
   */
  static boolean skewed(List<String> zones, java.util.Set<String> down, Collection<String> live) {
    List<Long> counts =
        zones.stream().filter(z -> !down.contains(z)).map(z -> count(live, z)).toList();
    return counts.size() > 1
        && java.util.Collections.max(counts) - java.util.Collections.min(counts) > 1;
  }

  private static long count(Collection<String> live, String zone) {
    return live.stream().filter(zone::equals).count();
  }
}
