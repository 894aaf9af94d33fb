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
        @Nullable MultiAz multiAz) {

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
    v.throwIfAny();
  }

  /** The object rule of a store of kind objects: its own, or the defaults. */
  public ObjectRule objectRule() {
    return objects != null
        ? objects
        : new ObjectRule("summit-objects-{region}", "", false, false, 1_048_576);
  }

  /** True when this store has a node in {@code region} (its primary or a replica). */
  public boolean involves(String region) {
    return primaryRegion.equals(region) || replicaRegions.contains(region);
  }
}
