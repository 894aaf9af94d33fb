package io.summit.dr.lab.control;

import io.summit.dr.access.AccessOptions;
import io.summit.dr.lab.LabAccess;
import io.summit.dr.lab.LabExtension;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.lab.LabTls;
import io.summit.dr.lab.cluster.ClusterMain;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a service cluster into each region of the lab, after the orchestrator (its instances read
 * discovery) and the edge router (they register there, by the addresses the edge reaches them at
 * through its WAN link to the region). Each instance reaches another region's stores through that
 * region pair's WAN link.
 */
public final class ServiceLabExtension implements LabExtension {
  @Override
  public int order() {
    return 200;
  }

  @Override
  public List<Daemon> daemons(Topology topology, LabLayout layout, Path labDir, Path config) {
    if (topology.services().isEmpty()) {
      return List.of();
    }
    List<Daemon> out = new ArrayList<>();
    // Every orchestrator replica: the instances follow whichever leads.
    List<URI> discovery =
        OrchestratorLabExtension.replicaLocations(topology, layout).stream()
            .map(
                l ->
                    URI.create(
                        LabTls.scheme(labDir, "orchestrator")
                            + "://"
                            + layout.orchestratorReplica(l)))
            .toList();
    URI router =
        topology.lab().edgeRouter() ? LabTls.url(labDir, "router", layout.edgeRouterAdmin()) : null;
    for (String region : layout.regions()) {
      List<String> args =
          ClusterMain.arguments(
              config,
              region,
              layout.cluster(region),
              discovery,
              layout.instanceSlots(region),
              router == null ? List.of() : layout.instanceSlotsFromEdge(region),
              labDir.resolve(region),
              router,
              wanRoutes(topology, layout, region));
      args = new ArrayList<>(args);
      args.addAll(
          AccessOptions.arguments(
              LabAccess.accessList(labDir),
              LabAccess.tokenFile(labDir, LabAccess.CLUSTER),
              LabTls.caFile(labDir)));
      args.addAll(LabTls.serverArguments(labDir, "cluster"));
      Path serviceToken = LabAccess.tokenFile(labDir, LabAccess.SERVICE);
      if (serviceToken != null) {
        args.addAll(List.of(ClusterMain.SERVICE_TOKEN_FILE, serviceToken.toString()));
      }
      out.add(
          new Daemon(
              "cluster",
              region,
              ClusterMain.class.getName(),
              args,
              layout.cluster(region),
              "/healthz"));
    }
    return out;
  }

  /**
   * From {@code region}, every other region's stores (and object replicators) are reached through
   * the WAN.
   */
  static Map<Endpoint, Endpoint> wanRoutes(Topology topology, LabLayout layout, String region) {
    Map<Endpoint, Endpoint> via = new LinkedHashMap<>();
    for (Store s : topology.stores()) {
      for (String other : layout.regions()) {
        if (!other.equals(region)) {
          via.put(layout.store(s.kind(), other), layout.wan(region, other, s.kind()));
          if (s.kind() == StoreKind.OBJECTS) {
            // where writers notify the bucket's replicator (BucketNotification)
            via.put(layout.objectsReplicator(other), layout.objectsReplicatorFrom(region, other));
          }
        }
      }
    }
    return via;
  }
}
