package io.summit.dr.orchestrator;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;

/**
 * How the orchestrator reaches each store node. In the lab: the lab's adapters, and WAN addresses
 * for replication; on AWS it would be the managed services' adapters.
 */
public interface Stores {
  /** The adapter of {@code store} in {@code region}; the caller closes it. */
  StoreAdapter adapter(String store, String region);

  /**
   * Where a node of {@code store} in {@code replicaRegion} reaches its primary in {@code
   * primaryRegion}.
   */
  Endpoint replicationSource(String store, String replicaRegion, String primaryRegion);

  /** Where applications in any region reach {@code store} in {@code region}. */
  Endpoint clientEndpoint(String store, String region);

  /**
   * Where this orchestrator's own failure probes reach {@code store} in {@code region}: through the
   * network path from the orchestrator's location (in the lab, its WAN link), so that its vote is
   * its location's view.
   */
  default Endpoint probeEndpoint(String store, String region) {
    return clientEndpoint(store, region);
  }
}
