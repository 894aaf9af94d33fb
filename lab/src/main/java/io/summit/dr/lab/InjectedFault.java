package io.summit.dr.lab;

import java.time.Instant;
import java.util.List;

/**
 * A fault the lab injected and the instant it took effect: when the first link cut or the first
 * kill completed (the WAN daemon applied the cut, the process was gone), not when it was asked for.
 * A drill's T0.
 *
 * @param killed the components killed (empty for a partition)
 * @param tookEffectNanos {@link System#nanoTime()} of this process at that instant
 * @param tookEffectAt the same instant on the wall clock
 */
public record InjectedFault(List<LabComponent> killed, long tookEffectNanos, Instant tookEffectAt) {
  public InjectedFault {
    killed = List.copyOf(killed);
  }

  /** A fault that took effect now. */
  static InjectedFault now(List<LabComponent> killed, java.time.Clock clock) {
    return new InjectedFault(killed, System.nanoTime(), clock.instant());
  }
}
