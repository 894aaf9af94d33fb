package io.summit.dr.lab.control;

import io.summit.dr.access.AccessOptions;
import io.summit.dr.lab.LabAccess;
import io.summit.dr.lab.LabExtension;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.lab.LabTls;
import io.summit.dr.lab.pager.LabPager;
import io.summit.dr.orchestrator.detection.ObserverDaemon;
import io.summit.dr.orchestrator.detection.ObserverDaemonConfig;
import io.summit.dr.orchestrator.detection.ProbeTarget;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.router.RouterMain;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the control plane into the lab: an observer and a region agent in each region, the edge
 * router (when {@code lab.edge_router} is set), the orchestrator replicas (every region but the
 * primary, and the witness) that elect a leader through the lab's etcd, and the pager their
 * notifications go to. The edge router starts with no instances: the regions' service clusters
 * register theirs through its admin API once they are ready.
 */
public final class OrchestratorLabExtension implements LabExtension {
  @Override
  public List<Daemon> daemons(Topology topology, LabLayout layout, Path labDir, Path config) {
    List<Daemon> out = new ArrayList<>();
    boolean router = topology.lab().edgeRouter() && !topology.services().isEmpty();
    List<String> secured = AccessOptions.arguments(LabAccess.accessList(labDir), null);
    for (String location : observerLocations(layout)) {
      out.add(
          withArguments(
              observer(topology, layout, labDir, location, router),
              concat(
                  AccessOptions.arguments(
                      LabAccess.accessList(labDir), null, LabTls.caFile(labDir)),
                  LabTls.serverArguments(labDir, "observer"))));
    }
    if (router) {
      out.add(
          withArguments(
              edgeRouter(topology, layout, config),
              concat(secured, LabTls.serverArguments(labDir, "router"))));
    }
    for (String region : layout.regions()) {
      out.add(
          withArguments(
              agent(topology, layout, region, config, labDir),
              concat(secured, LabTls.serverArguments(labDir, "agent"))));
    }
    // The replicas read the lab's topology with the pager's receivers added (unless it has its
    // own): the leader's notices go to the lab's pager (summit-dr lab pages).
    Path orchestratorConfig = LabPager.orchestratorTopology(topology, config, labDir, layout);
    if (!orchestratorConfig.equals(config)) {
      out.add(LabPager.daemon(layout, labDir));
    }
    for (String location : replicaLocations(topology, layout)) {
      out.add(replica(topology, layout, labDir, orchestratorConfig, location, router));
    }
    return out;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static Daemon withArguments(Daemon d, List<String> more) {
    List<String> args = new ArrayList<>(d.arguments());
    args.addAll(more);
    return new Daemon(d.kind(), d.region(), d.mainClass(), args, d.address(), d.healthPath());
  }

  /**
   * Where the orchestrator replicas run: every serving region but the primary, and the witness — so
   * that losing the primary region, or any one location, leaves a replica and an etcd quorum.
   */
  public static List<String> replicaLocations(Topology topology, LabLayout layout) {
    List<String> out = new ArrayList<>();
    for (String region : layout.regions()) {
      if (!region.equals(topology.primary().name())) {
        out.add(region);
      }
    }
    out.add(LabLayout.WITNESS);
    return out;
  }

  /**
   * An orchestrator replica in {@code location}: its probes and operations go through its links.
   */
  private static Daemon replica(
      Topology topology,
      LabLayout layout,
      Path labDir,
      Path config,
      String location,
      boolean router) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--config",
            config.toString(),
            "--state-dir",
            labDir.resolve("orchestrator-" + location).toString(),
            "--listen",
            layout.orchestratorReplica(location).toString(),
            "--id",
            "orchestrator-" + location,
            "--location",
            location,
            "--etcd",
            urls(layout.etcdEndpoints(location))));
    if (location.equals(LabLayout.WITNESS)) {
      // The witness leads only when no region's replica can: a replica in the failover target's
      // region promotes its stores without crossing the WAN (1.2 s from the witness, 0.25 s there).
      List<String> preferred =
          replicaLocations(topology, layout).stream()
              .filter(l -> !l.equals(LabLayout.WITNESS))
              .map(l -> "orchestrator-" + l)
              .toList();
      if (!preferred.isEmpty()) {
        args.addAll(List.of("--defer-to", String.join(",", preferred)));
      }
    }
    for (String at : observerLocations(layout)) {
      args.addAll(
          List.of(
              "--observer",
              at + "=" + LabTls.url(labDir, "observer", layout.observerFrom(location, at))));
    }
    if (router) {
      args.addAll(
          List.of(
              "--router-admin", LabTls.url(labDir, "router", layout.edgeRouterAdmin()).toString()));
      args.addAll(List.of("--router", layout.edgeRouter().toString()));
    }
    args.addAll(
        AccessOptions.arguments(
            LabAccess.accessList(labDir), LabAccess.tokenFile(labDir, LabAccess.ORCHESTRATOR)));
    args.addAll(LabTls.serverArguments(labDir, "orchestrator"));
    Path caFile = LabTls.caFile(labDir);
    if (caFile != null) {
      args.addAll(List.of(io.summit.dr.access.Tls.CA_FILE, caFile.toString()));
    }
    return new Daemon(
        "orchestrator",
        location,
        LabOrchestratorMain.class.getName(),
        args,
        layout.orchestratorReplica(location),
        "/healthz");
  }

  /** The region agent beside {@code region}'s stores: its lease, and self-fencing. */
  private static Daemon agent(
      Topology topology, LabLayout layout, String region, Path config, Path labDir) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--lab-dir", labDir.toString()));
    args.addAll(
        List.of(
            "--config",
            config.toString(),
            "--region",
            region,
            "--etcd",
            urls(layout.etcdEndpoints(region)),
            "--listen",
            layout.agent(region).toString()));
    for (Store s : topology.stores()) {
      // The agent fences every primary of its region on a lost lease: PostgreSQL, Redis, the
      // bucket and the Neo4j server (its admin API three ports above Bolt).
      if (s.involves(region)) {
        args.addAll(
            List.of(
                "--store",
                s.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + "="
                    + layout.store(s.kind(), region)));
      }
    }
    // A multi-AZ PostgreSQL or Redis store's two zone nodes in the region: the agent fails over
    // between them and moves the region endpoint (a relay of the WAN daemon) to the writer.
    for (Store s : topology.stores()) {
      io.summit.dr.topology.MultiAz multiAz = s.multiAz();
      boolean redis = s.kind() == io.summit.dr.topology.StoreKind.REDIS;
      if ((s.kind() != io.summit.dr.topology.StoreKind.POSTGRES && !redis)
          || multiAz == null
          || !multiAz.zones().containsKey(region)) {
        continue;
      }
      String kind = redis ? "redis" : "postgres";
      List<String> zones = List.of(multiAz.writerZone(region), multiAz.standbyZone(region));
      for (int i = 0; i < 2; i++) {
        args.addAll(
            List.of(
                "--zone-node",
                kind
                    + "="
                    + zones.get(i)
                    + ","
                    + layout.zoneNode(s.kind(), region, i)
                    + ","
                    + layout.zonePeer(s.kind(), region, i)));
      }
      args.addAll(
          List.of(
              "--zone-endpoint",
              kind
                  + "="
                  + LabTls.url(labDir, "wan", layout.wanAdmin())
                  + "/v1/endpoints/"
                  + s.name()
                  + "-"
                  + region));
      if (redis) {
        continue; // its cross-region replicas follow the region endpoint: no source to keep
      }
      args.addAll(
          List.of(
              "--zone-source-endpoint",
              "postgres="
                  + LabTls.url(labDir, "wan", layout.wanAdmin())
                  + "/v1/endpoints/"
                  + s.name()
                  + "-"
                  + region
                  + "-source"));
    }
    if (args.contains("--zone-endpoint")
        || topology.stores().stream()
            .anyMatch(
                st -> st.kind() == io.summit.dr.topology.StoreKind.NEO4J && st.involves(region))) {
      // it moves the region endpoints through the WAN daemon's admin API, and fences the Neo4j
      // server through its admin API: its token, and the authority the WAN's certificate chains to
      args.addAll(
          AccessOptions.arguments(
              null, LabAccess.tokenFile(labDir, LabAccess.AGENT), LabTls.caFile(labDir)));
    }
    return new Daemon(
        "agent", region, LabAgentMain.class.getName(), args, layout.agent(region), "/healthz");
  }

  private static String urls(List<Endpoint> endpoints) {
    return String.join(",", endpoints.stream().map(e -> "http://" + e).toList());
  }

  /** The global entry point: reads to the nearest healthy region, writes to the writer region. */
  private static Daemon edgeRouter(Topology topology, LabLayout layout, Path config) {
    return new Daemon(
        "router",
        "edge",
        RouterMain.class.getName(),
        List.of(
            "--config",
            config.toString(),
            "--role",
            "edge",
            "--service",
            topology.services().get(0).name(),
            "--listen",
            layout.edgeRouter().toString(),
            "--admin",
            layout.edgeRouterAdmin().toString(),
            "--io-threads",
            "2"),
        layout.edgeRouterAdmin(),
        "/healthz");
  }

  /**
   * Where failure observers run: each region and the witness. The witness's observer gives every
   * region's judgement a vote from a third failure domain, whichever replica leads.
   */
  static List<String> observerLocations(LabLayout layout) {
    List<String> out = new ArrayList<>(layout.regions());
    out.add(LabLayout.WITNESS);
    return out;
  }

  /**
   * An observer in {@code region}, probing every other region's stores through the WAN, and the
   * edge router's admin API when there is one.
   */
  private static Daemon observer(
      Topology topology, LabLayout layout, Path labDir, String region, boolean router) {
    List<ProbeTarget> targets = new ArrayList<>();
    for (String other : layout.regions()) {
      if (!other.equals(region)) {
        for (Store s : topology.stores()) {
          if (!ProbeTarget.probes(s.kind())) {
            continue;
          }
          targets.add(new ProbeTarget(other, s.kind(), layout.wan(region, other, s.kind())));
        }
      }
    }
    Endpoint at = layout.observerAt(region);
    ObserverDaemonConfig config =
        new ObserverDaemonConfig(
            region,
            at.host(),
            at.port(),
            targets,
            topology.health().probeInterval(),
            topology.health().timeout(),
            router ? LabTls.url(labDir, "router", layout.edgeRouterAdminFrom(region)) : null);
    return new Daemon(
        "observer",
        region,
        ObserverDaemon.class.getName(),
        ObserverDaemon.arguments(config),
        at,
        "/healthz");
  }
}
