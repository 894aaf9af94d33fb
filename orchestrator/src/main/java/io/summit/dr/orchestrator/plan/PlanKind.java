package io.summit.dr.orchestrator.plan;

/** What a plan does. */
public enum PlanKind {
  /** Unplanned: the writer region failed; may lose what replication had not carried. */
  FAILOVER,
  /** Planned: writes pause until the replica has everything; loses no acknowledged write. */
  SWITCHOVER,
  /** The failed region is back: rejoin its stores as replicas, then switch over to it. */
  FAILBACK
}
