package io.summit.dr.lab.control;

import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.orchestrator.Stores;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.time.Duration;
import java.util.Locale;

/** The lab's stores: its adapters, its WAN addresses for replication. */
public final class LabStores implements Stores {
  private final Lab lab;
  private final Topology topology;
  private final LabLayout layout;
  private final Duration timeout;

  public LabStores(Lab lab, Topology topology, Duration timeout) {
    this.lab = lab;
    this.topology = topology;
    this.layout = LabLayout.of(topology);
    this.timeout = timeout;
  }

  private StoreKind kind(String store) {
    return topology
        .store(store)
        .orElseThrow(
            () -> new IllegalArgumentException("store: '" + store + "' is not in the topology"))
        .kind();
  }

  @Override
  public StoreAdapter adapter(String store, String region) {
    return lab.adapter(kind(store).name().toLowerCase(Locale.ROOT) + "-" + region, timeout);
  }

  @Override
  public Endpoint replicationSource(String store, String replicaRegion, String primaryRegion) {
    return layout.wan(replicaRegion, primaryRegion, kind(store));
  }

  @Override
  public Endpoint clientEndpoint(String store, String region) {
    return layout.store(kind(store), region);
  }
}
