package io.summit.dr.topology;

/** Where the router sends a read. */
public enum ReadPolicy {
  /** The healthy region with the lowest smoothed round-trip time. */
  NEAREST_HEALTHY,
  /** Always the writer region (read-your-writes for every client). */
  WRITER_ONLY
}
