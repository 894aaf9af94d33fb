package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Region;
import io.summit.dr.topology.Store;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.elasticache.CfnReplicationGroup;
import software.amazon.awscdk.services.kms.IKey;
import software.constructs.Construct;

/**
 * A Redis store's secondary: an ElastiCache replication group in the secondary region that joins
 * the primary's Global Datastore (whose id reaches this stack as a CDK cross-region reference).
 * Engine, version and node type come from the Global Datastore; its RBAC users are its own region's
 * ({@link RedisUsers}). With the store's {@code multi_az} it has a replica node in the region's
 * second zone (a promoted secondary keeps a standby); without, one node, the minimal footprint. An
 * alarm pages when {@code GlobalDatastoreReplicationLag} exceeds the store's RPO budget.
 */
final class RedisReplica extends Construct {
  final CfnReplicationGroup group;
  final RedisUsers users;
  final Alarm lag;

  RedisReplica(
      Construct scope,
      String id,
      String node,
      String user,
      Store store,
      Redis primary,
      Region region,
      Vpc vpc,
      IKey key,
      Region peer) {
    super(scope, id);
    users = new RedisUsers(this, "Users", node, user, key);
    group =
        CfnReplicationGroup.Builder.create(this, "ReplicationGroup")
            .replicationGroupId(node)
            .replicationGroupDescription(store.name() + " secondary (" + region.name() + ")")
            .globalReplicationGroupId(primary.global.getAttrGlobalReplicationGroupId())
            .numCacheClusters(Redis.nodes(store))
            .automaticFailoverEnabled(store.multiAz() != null)
            .multiAzEnabled(store.multiAz() != null)
            .preferredCacheClusterAZs(Redis.zones(store, region))
            .atRestEncryptionEnabled(true)
            .kmsKeyId(key.getKeyArn())
            .transitEncryptionEnabled(true)
            .cacheSubnetGroupName(Redis.subnetGroup(this, vpc).getRef())
            .securityGroupIds(
                List.of(
                    Redis.securityGroup(this, vpc, AwsTopology.cidr(peer)).getSecurityGroupId()))
            .build();
    users.attach(group);
    lag =
        Alarm.Builder.create(this, "LagAlarm")
            .alarmName(store.name() + "-global-datastore-lag")
            .alarmDescription(
                store.name()
                    + ": Global Datastore replication lag above the RPO budget of "
                    + store.rpoBudget().toSeconds()
                    + " s")
            .metric(
                Metric.Builder.create()
                    .namespace("AWS/ElastiCache")
                    .metricName("GlobalDatastoreReplicationLag")
                    .dimensionsMap(
                        Map.of("CacheClusterId", Fn.join("", List.of(group.getRef(), "-001"))))
                    .statistic("Maximum")
                    .period(Duration.minutes(1))
                    .build())
            .threshold(store.rpoBudget().toSeconds())
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .evaluationPeriods(3)
            .treatMissingData(TreatMissingData.BREACHING)
            .build();
  }
}
