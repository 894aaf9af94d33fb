package io.summit.dr.orchestrator;

import io.summit.dr.replication.StoreObservation;
import io.summit.dr.topology.Durations;
import io.summit.dr.topology.Store;
import java.time.Duration;
import java.util.Locale;

/**
 * Safety invariant 3: a replica is promoted only when its last known lag (measured while its
 * primary answered) is known fresh and within the store's RPO budget, unless an operator forces it.
 * Used by the plan's check-rpo step and, before any plan starts, by every failover request, so that
 * a refused failover changes nothing (no writes stopped, nothing fenced).
 *
 * <p>A lag is unknown, and refused like one over budget, when the replica was not streaming when
 * last seen (both ends must say so), when no figure was measured, or when the figures were older
 * than {@code maxAge} (probe interval × failure threshold) when observed: PostgreSQL keeps showing
 * the lag a replica last reported while the link is silent, and that is not what a failover loses.
 */
final class RpoGuard {
  /** The judgement and the figures it rests on. */
  record Verdict(boolean within, String detail) {}

  private final LagMonitor lag;
  private final Duration maxAge;

  RpoGuard(LagMonitor lag, Duration maxAge) {
    this.lag = lag;
    this.maxAge = maxAge;
  }

  /** The guard with the topology's freshness bound: probe interval × failure threshold. */
  static RpoGuard of(LagMonitor lag, io.summit.dr.topology.Topology topology) {
    return new RpoGuard(
        lag, topology.health().probeInterval().multipliedBy(topology.health().failureThreshold()));
  }

  Verdict check(Store store, String region) {
    StoreObservation seen = lag.lastKnown(store.name(), region).orElse(null);
    String budget = Durations.format(store.rpoBudget());
    String node = store.name() + "@" + region;
    if (seen == null) {
      return new Verdict(
          false, node + ": no lag measured while its primary answered (budget " + budget + ")");
    }
    String unknown = unknown(seen);
    if (unknown != null) {
      return new Verdict(false, node + ": lag unknown: " + unknown + " (budget " + budget + ")");
    }
    double seconds = java.util.Objects.requireNonNull(seen.lagSeconds());
    String measured =
        String.format(
            Locale.ROOT,
            "last known lag %.3fs (%s B) at %s",
            seconds,
            seen.lagBytes(),
            seen.lagMeasuredAt());
    if (seconds * 1000 > store.rpoBudget().toMillis()) {
      return new Verdict(false, node + ": " + measured + " > budget " + budget);
    }
    return new Verdict(true, node + ": " + measured + " <= budget " + budget);
  }

  /** Why the lag cannot be trusted, or null when it is fresh. */
  private @org.jspecify.annotations.Nullable String unknown(StoreObservation seen) {
    String when = " when last seen at " + seen.observedAt();
    if (!seen.reachable()) {
      return "replica not reachable" + when + " (" + seen.detail() + ")";
    }
    if (!seen.streaming()) {
      return "replica not streaming" + when + " (" + seen.detail() + ")";
    }
    Duration age = seen.lagAge();
    if (seen.lagSeconds() == null || age == null) {
      return "no lag figure" + when + " (" + seen.detail() + ")";
    }
    if (age.compareTo(maxAge) > 0) {
      return "the figures were "
          + Durations.format(age)
          + " old"
          + when
          + ", older than "
          + Durations.format(maxAge)
          + " (probe_interval x failure_threshold): the link was silent";
    }
    return null;
  }
}
