package io.summit.dr.routing;

import org.jspecify.annotations.Nullable;

/**
 * A backend as it is registered with the router: its address, and the availability zone it runs in
 * when its registration named one.
 *
 * @param zone the zone, one of its region's zones; null when not known (a registration without
 *     zone, or a region without zones)
 */
public record Backend(Endpoint endpoint, @Nullable String zone) {

  public Backend {
    if (zone != null && zone.isBlank()) {
      throw new IllegalArgumentException("zone: '" + zone + "' (expected: a zone name, or none)");
    }
  }

  /** A backend of unknown zone. */
  public static Backend of(Endpoint endpoint) {
    return new Backend(endpoint, null);
  }
}
