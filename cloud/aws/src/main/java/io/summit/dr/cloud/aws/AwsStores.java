package io.summit.dr.cloud.aws;

import io.summit.dr.orchestrator.Stores;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.topology.Store;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator's stores on AWS: each store kind's AWS adapter ({@link RdsInstance} or {@link
 * AuroraGlobal} for postgres, {@link GlobalDatastore} for redis, {@link AccessPointRoutes} for
 * objects), with the data-plane adapter (the replication module's, on the managed endpoint) for
 * what is SQL or a Redis command rather than an AWS call: the writer term and the verify write. A
 * store with no AWS-managed service (neo4j) is the data plane's alone. Endpoints are given (the CDK
 * stacks' outputs): RDS and ElastiCache endpoint names carry generated parts.
 */
public final class AwsStores implements Stores {
  private final AwsContext ctx;
  private final BiFunction<String, String, Optional<StoreAdapter>> data;
  private final BiFunction<String, String, Endpoint> endpoints;

  /**
   * @param data the data-plane adapter of a store in a region, if any
   * @param endpoints where applications reach a store in a region
   */
  public AwsStores(
      AwsContext ctx,
      BiFunction<String, String, Optional<StoreAdapter>> data,
      BiFunction<String, String, Endpoint> endpoints) {
    this.ctx = ctx;
    this.data = data;
    this.endpoints = endpoints;
  }

  @Override
  public StoreAdapter adapter(String store, String region) {
    Store s =
        ctx.targets()
            .topology()
            .store(store)
            .orElseThrow(
                () ->
                    new IllegalArgumentException("store: '" + store + "' is not in the topology"));
    if (!s.involves(region)) {
      throw new IllegalArgumentException(
          "region: '"
              + region
              + "' holds no node of store "
              + store
              + " (expected: "
              + s.primaryRegion()
              + " or "
              + String.join(", ", s.replicaRegions())
              + ")");
    }
    String peer = peer(s, region);
    @Nullable StoreAdapter d = data.apply(store, region).orElse(null);
    return switch (s.kind()) {
      case POSTGRES ->
          ctx.targets().isAurora(store)
              ? new AuroraGlobal(ctx, store, region, peer, d)
              : new RdsInstance(ctx, store, region, peer, d);
      case REDIS -> new GlobalDatastore(ctx, store, region, d);
      case OBJECTS -> new AccessPointRoutes(ctx, store, region, peer);
      case NEO4J ->
          data.apply(store, region)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "store: '"
                              + store
                              + "' has no AWS-managed service and no data-plane adapter"));
    };
  }

  /** The other region of a two-region store: the primary's replica, or a replica's primary. */
  private static String peer(Store s, String region) {
    return s.primaryRegion().equals(region) ? s.replicaRegions().get(0) : s.primaryRegion();
  }

  @Override
  public Endpoint replicationSource(String store, String replicaRegion, String primaryRegion) {
    return endpoints.apply(store, primaryRegion);
  }

  @Override
  public Endpoint clientEndpoint(String store, String region) {
    return endpoints.apply(store, region);
  }
}
