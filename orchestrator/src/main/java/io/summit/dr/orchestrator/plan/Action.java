package io.summit.dr.orchestrator.plan;

import io.summit.dr.topology.StepAction;

/**
 * Everything a plan step can do: the topology's failover actions, plus the ones planned switchover
 * and failback need.
 */
public enum Action {
  STOP_WRITES,
  FENCE,
  CHECK_RPO,
  PROMOTE,
  PUBLISH_ENDPOINTS,
  ROUTE_WRITES,
  SCALE_UP,
  VERIFY,
  /** Wait until a replica has replayed everything its primary had when writes were paused. */
  CATCH_UP,
  /** Turn an old primary into a replica of the new one. */
  REJOIN,
  /** Put a region's autoscaling floor back to its own size after it stops being the writer. */
  RESTORE_SCALE,
  /** Make a fenced old primary writable again: the undo of fence when a plan is rolled back. */
  UNFENCE;

  static Action of(StepAction a) {
    return Action.valueOf(a.name());
  }

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
