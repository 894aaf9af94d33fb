package io.summit.dr.orchestrator.detection;

/**
 * One vantage point that reports what it sees of every region: the orchestrator itself ({@link
 * LocalObserver}), an observer daemon in a region ({@link HttpObserverSource}) or the edge router
 * ({@link RouterViewSource}).
 *
 * <p>Implementations are thread-safe and bound the time of {@link #poll()} themselves (about one
 * probe timeout).
 */
public interface ObserverSource {

  /** Unique among the observers of one detector; appears in events and the status API. */
  String name();

  /** Where the observer stands: a region name, or {@code edge}. */
  String location();

  /**
   * Looks now. Never throws: an observer that cannot be reached yields a view with every region
   * {@link RegionHealth#UNKNOWN}.
   */
  ObserverView poll();

  /**
   * True when its views carry the observer's own count of probes in a row ({@link
   * ObserverView#consecutive()}): asking it more often than it probes then adds no false evidence,
   * so a detector may ask it again between two polls.
   */
  default boolean countsItsOwnProbes() {
    return false;
  }
}
