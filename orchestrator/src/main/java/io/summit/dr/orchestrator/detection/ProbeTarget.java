package io.summit.dr.orchestrator.detection;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.StoreKind;
import java.util.Locale;

/**
 * One store a {@link RegionProber} asks on behalf of a region. Only PostgreSQL and Redis can be
 * probed.
 *
 * @param region the region the store belongs to
 * @param kind {@link StoreKind#POSTGRES} or {@link StoreKind#REDIS}
 * @param address where to reach it from the observer (in the lab: a WAN address)
 */
public record ProbeTarget(String region, StoreKind kind, Endpoint address) {
  /** Whether a region's store of this kind is probed (postgres and redis; not neo4j, objects). */
  public static boolean probes(StoreKind kind) {
    return kind == StoreKind.POSTGRES || kind == StoreKind.REDIS;
  }

  public ProbeTarget {
    if (region.isBlank()) {
      throw new IllegalArgumentException("target: region '' (expected: a region name)");
    }
    if (!probes(kind)) {
      throw new IllegalArgumentException(
          "target: " + region + " kind " + kind + " (expected: postgres or redis)");
    }
  }

  /**
   * Parses {@code REGION=KIND@HOST:PORT}, for example {@code us-west-2=postgres@127.0.0.1:6010}.
   *
   * @throws IllegalArgumentException naming the text and the expected form
   */
  public static ProbeTarget parse(String text) {
    int eq = text.indexOf('=');
    int at = text.indexOf('@', Math.max(eq, 0));
    if (eq <= 0 || at < eq + 2) {
      throw new IllegalArgumentException(
          "'" + text + "' (expected: REGION=postgres@HOST:PORT or REGION=redis@HOST:PORT)");
    }
    String kind = text.substring(eq + 1, at);
    StoreKind parsed =
        switch (kind.toLowerCase(Locale.ROOT)) {
          case "postgres" -> StoreKind.POSTGRES;
          case "redis" -> StoreKind.REDIS;
          default ->
              throw new IllegalArgumentException(
                  "'" + text + "': kind '" + kind + "' (expected: postgres or redis)");
        };
    return new ProbeTarget(text.substring(0, eq), parsed, Endpoint.parse(text.substring(at + 1)));
  }

  /** The form {@link #parse} reads. */
  @Override
  public String toString() {
    return region + "=" + kind.name().toLowerCase(Locale.ROOT) + "@" + address;
  }
}
