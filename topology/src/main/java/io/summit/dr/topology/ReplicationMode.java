package io.summit.dr.topology;

/** Whether the primary waits for a replica before acknowledging a write. */
public enum ReplicationMode {
  ASYNC,
  SYNC
}
