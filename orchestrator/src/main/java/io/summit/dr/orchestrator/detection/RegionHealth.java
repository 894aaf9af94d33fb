package io.summit.dr.orchestrator.detection;

/** What one observer sees of one region. */
public enum RegionHealth {
  UP,
  DOWN,
  /** The observer itself could not be asked, or has not looked yet. */
  UNKNOWN
}
