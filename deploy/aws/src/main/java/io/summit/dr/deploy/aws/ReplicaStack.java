package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Store;
import java.util.Objects;
import software.amazon.awscdk.Stack;
import software.constructs.Construct;

/**
 * The secondary region's standby copies of the primary's databases ({@code
 * <name>-<region>-replicas}): an RDS cross-region read replica per PostgreSQL store, a Global
 * Datastore secondary per Redis store, the secondary's routes through the VPC peering, and the
 * replication lag alarms. Everything here points at the primary through CDK cross-region
 * references, so it deploys after the primary's stack; it lives in the secondary's network ({@code
 * platform}) and pages through the secondary's alert topic.
 */
final class ReplicaStack extends Stack {
  final java.util.Map<String, RedisReplica> redis = new java.util.LinkedHashMap<>();
  // the secondary's data key, which encrypts the replicas' secrets
  final software.amazon.awscdk.services.kms.IKey keys;

  ReplicaStack(Construct scope, AwsTopology aws, RegionStack primary, RegionStack platform) {
    super(
        scope,
        aws.name() + "-" + platform.region.name() + "-replicas",
        RegionStack.props(aws, platform.region, "standby replicas of the primary's stores"));
    addStackDependency(platform);
    keys = platform.keys.data;
    for (Store store : aws.topology().stores()) {
      if (!aws.replicatedToSecondary(store)) {
        continue;
      }
      String id = RegionStack.construct(store);
      switch (store.kind()) {
        case POSTGRES -> {
          PostgresReplica replica =
              new PostgresReplica(
                  this,
                  id,
                  RunbookPolicies.targets(aws).node(store.name(), platform.region.name()),
                  store,
                  Objects.requireNonNull(primary.postgres.get(store.name())),
                  platform.network.vpc,
                  platform.keys.data,
                  primary.region);
          platform.alerts.page(replica.lag);
        }
        case REDIS -> {
          RedisReplica replica =
              new RedisReplica(
                  this,
                  id,
                  RunbookPolicies.targets(aws).node(store.name(), platform.region.name()),
                  RunbookPolicies.targets(aws).redisUser(store.name(), platform.region.name()),
                  store,
                  Objects.requireNonNull(primary.redis.get(store.name())),
                  platform.region,
                  platform.network.vpc,
                  platform.keys.data,
                  primary.region);
          platform.alerts.page(replica.lag);
          redis.put(store.name(), replica);
        }
        case OBJECTS, NEO4J -> {
          // buckets replicate from the primary's stack into the platform stack's buckets
        }
      }
    }
    Peering peering = Objects.requireNonNull(primary.peering, "the primary requests the peering");
    Peering.routes(
        this, platform.network.vpc, AwsTopology.cidr(primary.region), peering.connection.getRef());
  }
}
