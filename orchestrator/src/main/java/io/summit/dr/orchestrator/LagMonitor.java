package io.summit.dr.orchestrator;

import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreRole;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Observes every store node on a schedule and keeps the last observation of each, so that the RPO
 * check of a failover uses the replica's last known lag from before the failure.
 */
final class LagMonitor {
  private final Stores stores;
  private final List<String> storeNames;
  private final List<String> regions;
  private final Map<String, StoreObservation> last = new ConcurrentHashMap<>();
  private final Map<String, StoreObservation> lastReachable = new ConcurrentHashMap<>();

  LagMonitor(Stores stores, List<String> storeNames, List<String> regions) {
    this.stores = stores;
    this.storeNames = List.copyOf(storeNames);
    this.regions = List.copyOf(regions);
  }

  void pollOnce() {
    for (String store : storeNames) {
      Map<String, StoreObservation> now = new java.util.HashMap<>();
      for (String region : regions) {
        try (StoreAdapter a = stores.adapter(store, region)) {
          StoreObservation o = a.observe();
          last.put(key(store, region), o);
          now.put(region, o);
        }
      }
      // A replica's lag counts only while its primary answers: once the primary is gone, what
      // the replica says is the time since it last heard, not what a failover would lose.
      boolean primaryUp =
          now.values().stream().anyMatch(o -> o.reachable() && o.role() == StoreRole.PRIMARY);
      now.forEach(
          (region, o) -> {
            if (o.reachable() && o.role() != StoreRole.REPLICA) {
              // A node seen as a primary or fenced has no replica lag: a lag it had as a replica
              // long ago must not vouch for it now (a fenced old primary holds stale data).
              lastReachable.remove(key(store, region));
            } else if (primaryUp && o.role() == StoreRole.REPLICA && o.lagSeconds() != null) {
              lastReachable.put(key(store, region), o);
            }
          });
    }
  }

  Optional<StoreObservation> last(String store, String region) {
    return Optional.ofNullable(last.get(key(store, region)));
  }

  /** The replica's last lag measured while its primary answered. */
  Optional<StoreObservation> lastKnown(String store, String region) {
    return Optional.ofNullable(lastReachable.get(key(store, region)));
  }

  private static String key(String store, String region) {
    return store + "@" + region;
  }
}
