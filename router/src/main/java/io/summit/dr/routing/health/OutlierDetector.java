package io.summit.dr.routing.health;

import io.summit.dr.routing.HealthListener;
import io.summit.dr.routing.HealthListener.Transition;
import io.summit.dr.routing.Instance;
import io.summit.dr.routing.RegionState;
import io.summit.dr.routing.RoutingTable;
import io.summit.dr.routing.Ticker;
import io.summit.dr.topology.RoutingPolicy;

/**
 * Passive outlier ejection. {@link RoutingPolicy#ejectAfterErrors()} consecutive errors (5xx
 * answers or connection errors) eject an instance for {@link RoutingPolicy#ejectionTime()}; any
 * other answer resets the count. At most {@link RoutingPolicy#maxEjectedPercent()} percent of a
 * region's instances (rounded down) are ejected at once: past the cap an instance keeps taking
 * requests (the active check may still take it out). An ejection ends at the first {@link #sweep()}
 * after its time is up; the error count starts again from zero.
 *
 * <p>Thread-safe: {@link #onSuccess} and {@link #onError} are called from I/O threads; ejection
 * decisions of a region are serialised on the region.
 */
public final class OutlierDetector {
  private final RoutingTable table;
  private final RoutingPolicy policy;
  private final Ticker ticker;
  private final HealthListener listener;

  public OutlierDetector(RoutingTable table, Ticker ticker, HealthListener listener) {
    this.table = table;
    this.policy = table.policy();
    this.ticker = ticker;
    this.listener = listener;
  }

  /** A response that was not a 5xx. */
  public void onSuccess(Instance instance) {
    if (instance.consecutiveErrors().get() != 0) {
      instance.consecutiveErrors().set(0);
    }
  }

  /** A 5xx response, a connection error or a timeout. */
  public void onError(Instance instance) {
    if (instance.consecutiveErrors().incrementAndGet() < policy.ejectAfterErrors()
        || instance.isEjected()) {
      return;
    }
    RegionState region = table.region(instance.region());
    if (region == null) {
      return;
    }
    synchronized (region) {
      if (instance.isEjected() || instance.isRetired() || !region.instances().contains(instance)) {
        return;
      }
      int cap = region.instances().size() * policy.maxEjectedPercent() / 100;
      if (region.ejectedCount() >= cap) {
        return;
      }
      instance.consecutiveErrors().set(0);
      instance.eject(ticker.nanos() + policy.ejectionTime().toNanos());
    }
    listener.onTransition(instance, Transition.EJECTED);
  }

  /** Ends the ejections whose time is up. Called periodically by the health checker. */
  public void sweep() {
    long now = ticker.nanos();
    for (Instance i : table.allInstances()) {
      if (i.isEjected() && now - i.ejectedUntilNanos() >= 0) {
        i.restore();
        listener.onTransition(i, Transition.RESTORED);
      }
    }
  }
}
