package io.summit.dr.lab.control;

import io.summit.dr.lab.LabExtension;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.replication.objects.ReplicatorMain;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import io.summit.dr.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an object replicator ({@link ReplicatorMain}) in each region of every store of kind objects:
 * it pushes its region's new versions to the other regions' buckets through the WAN links (so a cut
 * link stops it, and it catches up when healed), and serves its figures at +18. Started before the
 * control plane, which reads those figures as the buckets' lag.
 */
public final class ObjectsLabExtension implements LabExtension {
  /** The component kind of a replicator: {@code objects-replicator-us-east-1}. */
  public static final String KIND = "objects-replicator";

  @Override
  public int order() {
    return 50;
  }

  @Override
  public List<Daemon> daemons(Topology topology, LabLayout layout, Path labDir, Path config) {
    List<Daemon> out = new ArrayList<>();
    for (Store store : topology.stores()) {
      if (store.kind() != StoreKind.OBJECTS) {
        continue;
      }
      for (String region : layout.regions()) {
        if (!store.involves(region)) {
          continue;
        }
        List<String> args =
            new ArrayList<>(
                List.of(
                    "--topology", config.toString(),
                    "--store", store.name(),
                    "--region", region,
                    "--s3", layout.store(StoreKind.OBJECTS, region).toString(),
                    "--checkpoint-dir", labDir.resolve(region).resolve(KIND).toString(),
                    "--admin", layout.objectsReplicator(region).toString()));
        // any listed caller may read its figures or notify it; it listens with HTTPS
        args.addAll(
            io.summit.dr.access.AccessOptions.arguments(
                io.summit.dr.lab.LabAccess.accessList(labDir), null));
        args.addAll(io.summit.dr.lab.LabTls.serverArguments(labDir, KIND));
        for (String peer : layout.regions()) {
          if (!peer.equals(region) && store.involves(peer)) {
            args.add("--peer");
            args.add(peer + "=" + layout.wan(region, peer, StoreKind.OBJECTS));
          }
        }
        out.add(
            new Daemon(
                KIND,
                region,
                ReplicatorMain.class.getName(),
                args,
                layout.objectsReplicator(region),
                "/healthz"));
      }
    }
    return out;
  }
}
