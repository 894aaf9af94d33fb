package io.summit.dr.orchestrator.detection;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@link QuorumDetector} concludes about a region. Events of one region arrive in the order
 * the detector reached them, one at a time, on the thread that ran the poll.
 */
public sealed interface DetectionEvent {

  /** The region the event is about. */
  String region();

  /** When the detector reached the conclusion (its clock). */
  Instant at();

  /**
   * A quorum of observers outside {@link #region()} each saw it DOWN for the failure threshold.
   * Fires once per failure: not again while the region stays failed.
   */
  record RegionFailed(String region, List<String> agreeingObservers, Instant at)
      implements DetectionEvent {
    public RegionFailed {
      requireRegion(region);
      agreeingObservers = List.copyOf(agreeingObservers);
      if (agreeingObservers.isEmpty()) {
        throw new IllegalArgumentException(
            region + ": agreeingObservers: [] (expected: at least one)");
      }
      Objects.requireNonNull(at, "at");
    }
  }

  /** A failed region is seen UP again by a quorum of outside observers for the threshold. */
  record RegionRecovered(String region, Instant at) implements DetectionEvent {
    public RegionRecovered {
      requireRegion(region);
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * Some, but fewer than a quorum of, outside observers saw the region DOWN for the failure
   * threshold: most likely a network partition, not a region failure. An alert, never a failover.
   */
  record PartitionSuspected(
      String region, List<String> seeingDown, List<String> seeingUp, Instant at)
      implements DetectionEvent {
    public PartitionSuspected {
      requireRegion(region);
      seeingDown = List.copyOf(seeingDown);
      seeingUp = List.copyOf(seeingUp);
      Objects.requireNonNull(at, "at");
    }
  }

  /** The episode a {@link PartitionSuspected} opened has ended. */
  record PartitionHealed(String region, Instant at) implements DetectionEvent {
    public PartitionHealed {
      requireRegion(region);
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * The detector has not heard from {@code observer} for {@code polls} polls in a row (at least the
   * failure threshold): it could not be asked, or gave no view. Either the link between the
   * detector's location and the observer's is cut, or the observer is down; either way detection
   * has one location fewer to count. An alert, never a failover. Fires once per episode; {@link
   * #region()} is the observer's location.
   */
  record ObserverUnreachable(String observer, String location, int polls, Instant at)
      implements DetectionEvent {
    public ObserverUnreachable {
      requireRegion(location);
      if (polls < 1) {
        throw new IllegalArgumentException(
            observer + ": polls: " + polls + " (expected: a count >= 1)");
      }
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String region() {
      return location;
    }
  }

  /** An observer that was {@link ObserverUnreachable} answered again. */
  record ObserverReachable(String observer, String location, Instant at) implements DetectionEvent {
    public ObserverReachable {
      requireRegion(location);
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String region() {
      return location;
    }
  }

  private static void requireRegion(String region) {
    if (region.isBlank()) {
      throw new IllegalArgumentException("region: '' (expected: a region name)");
    }
  }
}
