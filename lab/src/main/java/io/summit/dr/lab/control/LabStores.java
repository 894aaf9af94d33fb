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

/**
 * The lab's stores as an orchestrator in {@code location} reaches them: its own location's
 * directly, every other region's through that pair's WAN link (so cutting a link cuts the
 * orchestrator's probes and operations too); WAN addresses for replication.
 */
public final class LabStores implements Stores {
  private final Lab lab;
  private final Topology topology;
  private final LabLayout layout;
  private final Duration timeout;
  private final String location;

  public LabStores(Lab lab, Topology topology, Duration timeout) {
    this(lab, topology, timeout, LabLayout.EDGE);
  }

  public LabStores(Lab lab, Topology topology, Duration timeout, String location) {
    this.lab = lab;
    this.topology = topology;
    this.layout = LabLayout.of(topology);
    this.timeout = timeout;
    this.location = location;
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
    return lab.adapter(
        kind(store).name().toLowerCase(Locale.ROOT) + "-" + region,
        timeout,
        probeEndpoint(store, region));
  }

  @Override
  public Endpoint probeEndpoint(String store, String region) {
    return location.equals(LabLayout.EDGE)
        ? layout.store(kind(store), region)
        : layout.storeFrom(location, kind(store), region);
  }

  @Override
  public Endpoint replicationSource(String store, String replicaRegion, String primaryRegion) {
    // A multi-AZ PostgreSQL store's replicas cascade from the region's replication source.
    io.summit.dr.topology.Store s = topology.store(store).orElseThrow();
    io.summit.dr.topology.MultiAz multiAz = s.multiAz();
    if (s.kind() == StoreKind.POSTGRES
        && multiAz != null
        && multiAz.zones().containsKey(primaryRegion)) {
      return layout.zoneSourceFrom(replicaRegion, primaryRegion);
    }
    return layout.wan(replicaRegion, primaryRegion, kind(store));
  }

  @Override
  public Endpoint clientEndpoint(String store, String region) {
    return layout.store(kind(store), region);
  }
}
