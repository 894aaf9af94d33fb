package io.summit.dr.cloud.aws;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What every AWS adapter shares: the targets, the clients, the call runner, the clock lag ages are
 * measured with, and how long a step waits for AWS to reach a state (a promotion to finish, a
 * rename to take effect) and how often it looks meanwhile.
 */
public record AwsContext(
    AwsTargets targets,
    AwsClients clients,
    CallRunner runner,
    Clock clock,
    Duration waitDeadline,
    Duration pollInterval) {
  public AwsContext {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: > 0)");
    }
    if (waitDeadline.compareTo(pollInterval) < 0) {
      throw new IllegalArgumentException(
          "waitDeadline: " + waitDeadline + " (expected: >= pollInterval " + pollInterval + ")");
    }
  }

  /** Looks every poll interval until {@code done} holds or the wait deadline passes. */
  boolean await(BooleanSupplier done) {
    long until = System.nanoTime() + waitDeadline.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(pollInterval.toNanos());
    }
    return true;
  }
}
