package io.summit.dr.orchestrator;

import io.summit.dr.replication.StoreObservation;
import io.summit.dr.topology.Durations;
import io.summit.dr.topology.Store;
import java.time.Duration;
import java.time.Instant;
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
 *
 * <p>It is unknown too when this orchestrator last saw the store's primary answer more than {@code
 * blindLimit} (5 × probe interval × failure threshold, 4.5 s in the lab) before the failure: before
 * the quorum declared the primary's region failed (the pre-check) or before the plan was created
 * (its check-rpo step, also when a new leader resumes the plan seconds later). The last known lag
 * then describes the replica before a gap in which it may have stopped receiving (found in a chaos
 * schedule: the replication link and the leader's view of us-west-2 were cut at +3 s, us-west-2 was
 * killed at +7 s, and the lag measured before the cut, 0.063 s, let a failover through that lost 4
 * s of acknowledged writes). In a region failure the last sight comes one detection time plus up to
 * one supervision pass before the declaration: up to 2.85 s measured (a pass observes every node,
 * opening connections across the WAN, about 1.4 s). The limit does not close the gap entirely: a
 * blind spell that starts less than about 1.5 s before the failure still passes.
 */
final class RpoGuard {
  /** The judgement and the figures it rests on. */
  record Verdict(boolean within, String detail) {}

  private final LagMonitor lag;
  private final Duration maxAge;
  private final Duration blindLimit;

  RpoGuard(LagMonitor lag, Duration maxAge) {
    this.lag = lag;
    this.maxAge = maxAge;
    this.blindLimit = maxAge.multipliedBy(5);
  }

  /** The guard with the topology's freshness bound: probe interval × failure threshold. */
  static RpoGuard of(LagMonitor lag, io.summit.dr.topology.Topology topology) {
    return new RpoGuard(
        lag, topology.health().probeInterval().multipliedBy(topology.health().failureThreshold()));
  }

  /**
   * Judges {@code store}'s replica in {@code region} as of {@code asOf}: when its primary's region
   * was declared failed (or the plan was created), not when the check runs, so that a plan a new
   * leader resumes seconds later is judged like the one the old leader started.
   */
  Verdict check(Store store, String region, Instant asOf) {
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
    Duration blind =
        lag.primaryLastSeen(store.name())
            .map(at -> Duration.between(at, asOf))
            .orElse(Duration.ZERO);
    if (blind.compareTo(blindLimit) > 0) {
      return new Verdict(
          false,
          node
              + ": lag unknown: this orchestrator last saw the primary answer "
              + Durations.format(blind)
              + " before the failure, longer than "
              + Durations.format(blindLimit)
              + " (5 x probe_interval x failure_threshold); the last known lag, "
              + String.format(Locale.ROOT, "%.3fs", seen.lagSeconds())
              + ", says nothing about the time since (budget "
              + budget
              + ")");
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
