package io.summit.dr.router;

import io.summit.dr.routing.RequestClassifier;
import io.summit.dr.routing.ResidencyRules;
import io.summit.dr.routing.RoutingTable;
import io.summit.dr.routing.health.OutlierDetector;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What every connection of the proxy shares. Thread-safe (all parts are). */
record Proxy(
    RouterConfig config,
    RoutingTable table,
    RequestClassifier classifier,
    OutlierDetector outliers,
    RouterMetrics metrics,
    ResidencyRules residency) {

  /** The region a gateway forwards writes from (it marks them), or null on the edge. */
  @Nullable String hopRegion() {
    return config.role() == Role.GATEWAY ? config.region() : null;
  }

  /**
   * Whether a write another gateway forwarded may be served: on a gateway only when its own region
   * is the writer (otherwise two gateways that disagree about the writer would bounce it).
   */
  boolean acceptsForwardedWrite() {
    return config.role() == Role.EDGE || Objects.equals(table.writer(), config.region());
  }
}
