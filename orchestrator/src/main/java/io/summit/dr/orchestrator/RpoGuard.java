package io.summit.dr.orchestrator;

import io.summit.dr.replication.StoreObservation;
import io.summit.dr.topology.Durations;
import io.summit.dr.topology.Store;
import java.util.Locale;

/**
 * Safety invariant 3: a replica is promoted only when its last known lag (measured while its
 * primary answered) is within the store's RPO budget, unless an operator forces it. Used by the
 * plan's check-rpo step and, before any plan starts, by automatic failover, so that a refused
 * automatic failover changes nothing (no writes stopped, nothing fenced).
 */
final class RpoGuard {
  /** The judgement and the figures it rests on. */
  record Verdict(boolean within, String detail) {}

  private final LagMonitor lag;

  RpoGuard(LagMonitor lag) {
    this.lag = lag;
  }

  Verdict check(Store store, String region) {
    StoreObservation seen = lag.lastKnown(store.name(), region).orElse(null);
    Double seconds = seen == null ? null : seen.lagSeconds();
    String budget = Durations.format(store.rpoBudget());
    String node = store.name() + "@" + region;
    if (seen == null || seconds == null) {
      return new Verdict(
          false, node + ": no lag measured while its primary answered (budget " + budget + ")");
    }
    String measured =
        String.format(
            Locale.ROOT,
            "last known lag %.3fs (%s B) at %s",
            seconds,
            seen.lagBytes(),
            seen.observedAt());
    if (seconds * 1000 > store.rpoBudget().toMillis()) {
      return new Verdict(false, node + ": " + measured + " > budget " + budget);
    }
    return new Verdict(true, node + ": " + measured + " <= budget " + budget);
  }
}
