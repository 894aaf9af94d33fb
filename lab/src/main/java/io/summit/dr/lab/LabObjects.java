package io.summit.dr.lab;

import io.summit.dr.lab.process.ObjectsServer;
import io.summit.dr.replication.objects.BucketRole;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Starts the lab's object stores: one S3Mock server per region of each store of kind objects, all
 * spawned at once (each is a JVM that takes seconds to start) and awaited later, then each region's
 * bucket created with versioning on and its role (primary in the store's primary region).
 */
final class LabObjects {
  static final String KIND = "objects";

  /** A server spawned and recorded, not yet awaited. */
  record Spawned(Store store, String region, ObjectsServer server, LabComponent component) {}

  private final LabLayout layout;
  private final Consumer<String> progress;

  LabObjects(Lab lab, LabLayout layout, Consumer<String> progress) {
    this.layout = layout;
    this.progress = progress;
  }

  static ObjectsServer server(LabLayout layout, Path dir, String region) {
    // S3Mock is a Spring Boot application: a class-data archive of its own (written when it exits
    // at a lab down) spares it loading and verifying its classes again at the next start
    return new ObjectsServer(
        dir,
        layout.store(StoreKind.OBJECTS, region),
        layout.objectsTls(region),
        ClassDataArchive.options(
            ObjectsServer.jar().toString(), "S3Mock", List.of(region, dir.toString())));
  }

  List<Spawned> spawn(List<Store> stores, Function<String, Path> regionDir) {
    List<Spawned> out = new ArrayList<>();
    for (Store store : stores) {
      if (store.kind() != StoreKind.OBJECTS) {
        continue;
      }
      List<String> regions = new ArrayList<>();
      regions.add(store.primaryRegion());
      regions.addAll(store.replicaRegions());
      for (String region : regions) {
        Path dir = regionDir.apply(region).resolve("objects");
        ObjectsServer server = server(layout, dir, region);
        long pid = server.spawn();
        LabComponent c =
            new LabComponent(
                Lab.componentName(KIND, region),
                KIND,
                region,
                pid,
                server.endpoint().host(),
                server.endpoint().port(),
                dir.toString(),
                server.log().toString());
        out.add(new Spawned(store, region, server, c));
      }
    }
    return out;
  }

  void await(List<Spawned> spawned) {
    long t0 = System.nanoTime();
    for (Spawned s : spawned) {
      s.server().awaitUp(s.component().pid(), Duration.ofSeconds(90));
      boolean primary = s.region().equals(s.store().primaryRegion());
      s.server()
          .prepareBucket(
              s.store().objectRule().bucket(s.region()),
              primary ? BucketRole.PRIMARY : BucketRole.REPLICA);
      progress.accept(
          String.format(
              Locale.ROOT,
              "  %-22s %-9s %-16s pid %-7d %5.1fs  (%s, bucket %s)",
              s.component().name(),
              s.region(),
              s.server().endpoint(),
              s.component().pid(),
              (System.nanoTime() - t0) / 1e9,
              s.store().name(),
              s.store().objectRule().bucket(s.region())));
    }
  }
}
