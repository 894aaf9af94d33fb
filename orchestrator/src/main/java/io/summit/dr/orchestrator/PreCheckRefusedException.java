package io.summit.dr.orchestrator;

import java.util.List;

/**
 * A plan request refused by the checks every request passes, automatic or not, before any step
 * runs: the failed region must be declared failed by a quorum of observers, the target must not be,
 * and each replica's lag must be known fresh and within its RPO budget. Nothing changed; a failover
 * can be forced past them. Carries each reason.
 */
public final class PreCheckRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> reasons;
  private final boolean forcible;

  PreCheckRefusedException(String what, List<String> reasons, boolean forcible) {
    super(
        what
            + " refused: "
            + String.join("; ", reasons)
            + (forcible ? " (expected: the checks to pass, or force: true)" : ""));
    this.reasons = List.copyOf(reasons);
    this.forcible = forcible;
  }

  public List<String> reasons() {
    return reasons;
  }

  /** Whether {@code force} would override the refusal (failover only). */
  public boolean forcible() {
    return forcible;
  }
}
