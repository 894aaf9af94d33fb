package io.summit.dr.topology;

import java.time.Duration;

/**
 * How regions and instances are judged healthy. A probe that does not answer within {@link
 * #timeout()} fails; {@link #failureThreshold()} consecutive failures mark the target down and
 * {@link #recoveryThreshold()} consecutive successes mark it up again. A region is declared failed
 * only when {@link #observerQuorum()} observers outside it agree.
 */
public record HealthPolicy(
    @Doc("Time between two probes of one target.") @Default("500ms") Duration probeInterval,
    @Doc("Time a probe may take before it counts as failed.") @Default("250ms") Duration timeout,
    @Doc("Consecutive failed probes that mark a target down.") @Default("3") int failureThreshold,
    @Doc("Consecutive good probes that mark a target up again.") @Default("2")
        int recoveryThreshold,
    @Doc("Observers outside a region that must agree before it is declared failed.") @Default("2")
        int observerQuorum) {

  public static HealthPolicy defaults() {
    return new HealthPolicy(Duration.ofMillis(500), Duration.ofMillis(250), 3, 2, 2);
  }

  public HealthPolicy {
    Violations v = new Violations();
    v.positive("probe_interval", probeInterval);
    v.positive("timeout", timeout);
    if (!timeout.isNegative()
        && !timeout.isZero()
        && !probeInterval.isNegative()
        && !probeInterval.isZero()) {
      v.check(
          timeout.compareTo(probeInterval) <= 0,
          "timeout",
          Durations.format(timeout) + " > probe_interval " + Durations.format(probeInterval),
          "timeout <= probe_interval");
    }
    v.atLeast("failure_threshold", failureThreshold, 1);
    v.atLeast("recovery_threshold", recoveryThreshold, 1);
    v.atLeast("observer_quorum", observerQuorum, 1);
    v.throwIfAny();
  }

  /** Time from the first failed probe until a target is marked down. */
  public Duration detectionTime() {
    return probeInterval.multipliedBy(failureThreshold);
  }
}
