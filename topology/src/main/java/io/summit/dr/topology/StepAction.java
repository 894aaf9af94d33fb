package io.summit.dr.topology;

/** The typed actions a failover plan is made of, in their default order. */
public enum StepAction {
  /** The router stops sending writes to the failed region (fast 503 until a writer is set). */
  STOP_WRITES(Scope.REGION),
  /** Each store of the failed region stops accepting writes, where it can be reached. */
  FENCE(Scope.STORE),
  /** Refuse an automatic failover when a replica's last known lag exceeds its RPO budget. */
  CHECK_RPO(Scope.STORE),
  /** Each replica in the target region becomes the primary of its store. */
  PROMOTE(Scope.STORE),
  /** The discovery endpoint publishes the target region's stores as the writers. */
  PUBLISH_ENDPOINTS(Scope.REGION),
  /** The router's writer region becomes the target region. */
  ROUTE_WRITES(Scope.REGION),
  /** The target region's services scale up to the failed region's replica counts. */
  SCALE_UP(Scope.REGION),
  /** A real write through the global entry point must succeed. */
  VERIFY(Scope.REGION);

  /** Whether a step acts on a whole region or once per data store. */
  public enum Scope {
    REGION,
    STORE
  }

  private final Scope scope;

  StepAction(Scope scope) {
    this.scope = scope;
  }

  public Scope scope() {
    return scope;
  }
}
