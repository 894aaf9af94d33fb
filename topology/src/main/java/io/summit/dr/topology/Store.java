package io.summit.dr.topology;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A stateful data store: active-passive, one primary region, replicas in others. */
public record Store(
    @Doc("Store name.") String name,
    @Doc("postgres, redis, neo4j or objects.") StoreKind kind,
    @Doc("Region of the primary (the replication source).") String primaryRegion,
    @Doc("Regions holding a replica.") List<String> replicaRegions,
    @Doc("async or sync replication.") @Default("async") ReplicationMode replication,
    @Doc("Most data, as replication lag, an automatic failover may lose.") Duration rpoBudget,
    @Doc("Buckets and replication rule (kind objects only; defaults when absent).")
        @Nullable ObjectRule objects,
    @Doc(
            "Nodes inside each region by availability zone: a writer node and an in-region"
                + " standby (postgres and redis; absent: one node per region).")
        @Nullable MultiAz multiAz,
    @Doc(
            "How often the primary takes a snapshot of the graph to the snapshot store (kind neo4j"
                + " only; absent: 5m).")
        @Nullable Duration snapshotEvery) {

  /** How often a neo4j primary takes a snapshot when the topology does not say. */
  public static final Duration DEFAULT_SNAPSHOT_EVERY = Duration.ofMinutes(5);

  /** Without a snapshot schedule of its own. */
  public Store(
      String name,
      StoreKind kind,
      String primaryRegion,
      List<String> replicaRegions,
      ReplicationMode replication,
      Duration rpoBudget,
      @Nullable ObjectRule objects,
      @Nullable MultiAz multiAz) {
    this(name, kind, primaryRegion, replicaRegions, replication, rpoBudget, objects, multiAz, null);
  }

  public Store {
    replicaRegions = List.copyOf(replicaRegions);
    Violations v = new Violations();
    v.notBlank("name", name);
    v.positive("rpo_budget", rpoBudget);
    v.uniqueValues("replica_regions", replicaRegions);
    v.check(
        !replicaRegions.contains(primaryRegion),
        "replica_regions",
        "contains the primary region '" + primaryRegion + "'",
        "regions other than primary_region");
    v.check(
        objects == null || kind == StoreKind.OBJECTS,
        "objects",
        "set on a store of kind " + kind.name().toLowerCase(java.util.Locale.ROOT),
        "only on a store of kind objects");
    v.check(
        snapshotEvery == null || kind == StoreKind.NEO4J,
        "snapshot_every",
        "set on a store of kind " + kind.name().toLowerCase(java.util.Locale.ROOT),
        "only on a store of kind neo4j");
    if (snapshotEvery != null) {
      v.positive("snapshot_every", snapshotEvery);
    }
    v.throwIfAny();
  }

  /** The object rule of a store of kind objects: its own, or the defaults. */
  public ObjectRule objectRule() {
    return objects != null
        ? objects
        : new ObjectRule("summit-objects-{region}", "", false, false, 1_048_576);
  }

  /** How often a neo4j primary takes a snapshot: the topology's schedule, or 5 minutes. */
  public Duration snapshotSchedule() {
    return snapshotEvery != null ? snapshotEvery : DEFAULT_SNAPSHOT_EVERY;
  }

  /** True when this store has a node in {@code region} (its primary or a replica). */
  public boolean involves(String region) {
    return primaryRegion.equals(region) || replicaRegions.contains(region);
  }
}
