package io.summit.dr.topology;

/** How a store's in-region standby (in a second zone) follows the region's writer node. */
public enum StandbyMode {
  /** A commit waits until the standby has it (RDS Multi-AZ): a zone's loss loses nothing. */
  SYNCHRONOUS,
  /** The standby follows without being waited for: a zone's loss may lose the last writes. */
  ASYNCHRONOUS
}
