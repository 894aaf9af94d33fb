package io.summit.dr.lab.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalDouble;

/**
 * The Kubernetes HPA's rule for one service in one region: {@code desired = ceil(current *
 * utilization / target)}, no change while the ratio is within the tolerance, clamped to {@code
 * [min, max]}; scale-ups at once, scale-downs only to the highest recommendation of the
 * stabilization window (so a dip in load does not remove capacity a moment before it is needed).
 * Without a utilization sample (no instance old enough to judge) the count stays.
 *
 * <p>Not thread-safe: the cluster calls it from its one control loop.
 */
final class Autoscaler {
  private record Recommendation(Instant at, int count) {}

  private final int max;
  private final int targetPercent;
  private final double tolerance;
  private final Duration downscaleWindow;
  private final Deque<Recommendation> history = new ArrayDeque<>();
  private int min;

  /**
   * @param targetPercent the average CPU utilization to aim for, in percent of each instance's CPU
   *     request
   * @param tolerance the relative distance from the target that causes no change (HPA: 0.1)
   * @param downscaleWindow how long a lower recommendation must hold before it is followed
   */
  Autoscaler(int min, int max, int targetPercent, double tolerance, Duration downscaleWindow) {
    if (min < 0 || max < 1 || min > max) {
      throw new IllegalArgumentException(
          "autoscaling: min " + min + ", max " + max + " (expected: 0 <= min <= max, max >= 1)");
    }
    if (targetPercent < 1) {
      throw new IllegalArgumentException(
          "target_cpu_percent: " + targetPercent + " (expected: >= 1)");
    }
    this.min = min;
    this.max = max;
    this.targetPercent = targetPercent;
    this.tolerance = tolerance;
    this.downscaleWindow = downscaleWindow;
  }

  int min() {
    return min;
  }

  int max() {
    return max;
  }

  /**
   * Sets the floor (the orchestrator's scale-up raises it on failover).
   *
   * @throws IllegalArgumentException when it is outside {@code 0..max}
   */
  void setMin(int value) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException("min: " + value + " (expected: 0.." + max + ")");
    }
    min = value;
  }

  /**
   * The instance count to run now.
   *
   * @param current instances running now
   * @param utilization their average CPU utilization in percent of the request, if measured
   */
  int recommend(Instant now, int current, OptionalDouble utilization) {
    int raw = current;
    if (utilization.isPresent() && current > 0) {
      double ratio = utilization.getAsDouble() / targetPercent;
      if (Math.abs(ratio - 1) > tolerance) {
        raw = (int) Math.ceil(current * ratio);
      }
    }
    int wanted = clamp(raw);
    history.addLast(new Recommendation(now, wanted));
    while (!history.isEmpty() && history.peekFirst().at().isBefore(now.minus(downscaleWindow))) {
      history.removeFirst();
    }
    if (wanted >= current) {
      return clamp(Math.max(wanted, current));
    }
    int highest = history.stream().mapToInt(Recommendation::count).max().orElse(wanted);
    return clamp(Math.min(current, highest));
  }

  private int clamp(int count) {
    return Math.max(min, Math.min(max, count));
  }
}
