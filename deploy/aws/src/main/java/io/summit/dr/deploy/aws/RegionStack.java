package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import io.summit.dr.topology.Store;
import io.summit.dr.topology.StoreKind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/**
 * The platform in one region ({@code <name>-<region>}): keys, VPC, EKS, alert topic, the object
 * storage buckets and Neo4j snapshot buckets with their pod role. In the primary region it also
 * holds the primary of every store (RDS, ElastiCache with the Global Datastore), the replication of
 * its buckets to the secondary's (without the objects of data classes the secondary's region may
 * not hold), the VPC peering and the S3 replication alarms. The secondary's standby copies of the
 * primary's databases live in {@link ReplicaStack}, which is deployed after the primary; this stack
 * is deployed before it, because the primary replicates into its buckets.
 */
final class RegionStack extends Stack {
  final Region region;
  final Keys keys;
  final Network network;
  final Compute compute;
  final Alerts alerts;
  final Map<String, Bucket> objectBuckets = new LinkedHashMap<>();
  final Map<String, GraphStore> graphs = new LinkedHashMap<>();
  final Map<String, Postgres> postgres = new LinkedHashMap<>();
  final Map<String, Redis> redis = new LinkedHashMap<>();
  final @Nullable Peering peering;

  /**
   * @param replicaSide the secondary region's stack the primary replicates to; null when building
   *     the secondary
   */
  RegionStack(Construct scope, AwsTopology aws, Region region, @Nullable RegionStack replicaSide) {
    super(scope, aws.name() + "-" + region.name(), props(aws, region, "platform"));
    this.region = region;
    String account = aws.settings().account();
    keys = new Keys(this, "Keys", aws.name(), account, region.name());
    network = new Network(this, "Network", region);
    compute = new Compute(this, "Eks", aws, region, network.vpc, keys);
    alerts = new Alerts(this, "Alerts", aws.name() + "-alerts-" + region.name(), keys.data);
    boolean primary = region.role() == RegionRole.PRIMARY;
    for (Store store : aws.topology().stores()) {
      boolean bucketBacked = store.kind() == StoreKind.OBJECTS || store.kind() == StoreKind.NEO4J;
      if (primary || (bucketBacked && aws.replicatedToSecondary(store))) {
        addStore(aws, store, replicaSide);
      }
    }
    peering =
        replicaSide == null
            ? null
            : new Peering(
                this,
                "Peering",
                network.vpc,
                replicaSide.network.vpc,
                replicaSide.region.name(),
                AwsTopology.cidr(replicaSide.region));
  }

  static StackProps props(AwsTopology aws, Region region, String what) {
    return StackProps.builder()
        .env(Environment.builder().account(aws.settings().account()).region(region.name()).build())
        .crossRegionReferences(true)
        .description(
            "Summit DR "
                + aws.name()
                + ": "
                + what
                + " in "
                + region.name()
                + " ("
                + region.role().name().toLowerCase(java.util.Locale.ROOT)
                + ")")
        .build();
  }

  private void addStore(AwsTopology aws, Store store, @Nullable RegionStack replicaSide) {
    RegionStack side = replicaSide != null && aws.replicatedToSecondary(store) ? replicaSide : null;
    String id = construct(store);
    switch (store.kind()) {
      case OBJECTS -> {
        Buckets.Target target =
            side != null
                ? new Buckets.Target(
                    Objects.requireNonNull(side.objectBuckets.get(store.name())),
                    replicaKey(side, id),
                    "replicate-" + store.name(),
                    aws.withheldFrom(store, side.region))
                : null;
        Bucket bucket = Buckets.create(this, id, aws.bucketName(store, region), keys.data, target);
        objectBuckets.put(store.name(), bucket);
        if (target != null) {
          replicationAlarm(store, bucket, target, id);
        }
      }
      case NEO4J -> {
        Buckets.Target target =
            side != null
                ? new Buckets.Target(
                    Objects.requireNonNull(side.graphs.get(store.name())).snapshots,
                    replicaKey(side, id + "Snapshots"),
                    "replicate-" + store.name() + "-snapshots")
                : null;
        GraphStore graph = new GraphStore(this, id, store, compute.cluster, keys.data, target);
        graphs.put(store.name(), graph);
        if (target != null) {
          replicationAlarm(store, graph.snapshots, target, id + "Snapshots");
        }
      }
      case POSTGRES ->
          postgres.put(
              store.name(),
              new Postgres(
                  this,
                  id,
                  RunbookPolicies.targets(aws).node(store.name(), region.name()),
                  store,
                  network.vpc,
                  keys.data,
                  peer(aws),
                  peerKey(replicaSide)));
      case REDIS ->
          redis.put(
              store.name(),
              new Redis(
                  this,
                  id,
                  RunbookPolicies.targets(aws).node(store.name(), region.name()),
                  RunbookPolicies.targets(aws).redisUser(store.name(), region.name()),
                  aws.name(),
                  store,
                  region,
                  network.vpc,
                  keys.data,
                  peer(aws)));
    }
  }

  /**
   * The replica region's data key as seen from here: imported by ARN, so that granting the
   * replication role its use goes into the role's policy (this stack) and not into the key's policy
   * (the replica region's stack, which would make the two stacks depend on each other).
   */
  private software.amazon.awscdk.services.kms.IKey replicaKey(RegionStack side, String id) {
    return software.amazon.awscdk.services.kms.Key.fromKeyArn(
        this, id + "ReplicaKey", side.keys.data.getKeyArn());
  }

  private Region peer(AwsTopology aws) {
    return region.role() == RegionRole.PRIMARY ? aws.secondary() : aws.primary();
  }

  private static software.amazon.awscdk.services.kms.IKey peerKey(@Nullable RegionStack side) {
    return Objects.requireNonNull(side, "the primary's stores need the secondary's stack")
        .keys
        .data;
  }

  /** Pages when S3 replication to the secondary runs later than the store's RPO budget. */
  private void replicationAlarm(Store store, Bucket source, Buckets.Target target, String id) {
    Bucket destination = target.bucket();
    Alarm alarm =
        Alarm.Builder.create(this, id + "ReplicationAlarm")
            .alarmName(target.ruleId() + "-latency")
            .alarmDescription(
                store.name()
                    + ": S3 replication to "
                    + destination.getBucketName()
                    + " later than the RPO budget of "
                    + store.rpoBudget().toSeconds()
                    + " s")
            .metric(
                Metric.Builder.create()
                    .namespace("AWS/S3")
                    .metricName("ReplicationLatency")
                    .dimensionsMap(
                        Map.of(
                            "SourceBucket", source.getBucketName(),
                            "DestinationBucket", destination.getBucketName(),
                            "RuleId", target.ruleId()))
                    .statistic("Maximum")
                    .period(Duration.minutes(1))
                    .build())
            .threshold(store.rpoBudget().toSeconds())
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .evaluationPeriods(3)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    alerts.page(alarm);
  }

  /** Construct id of a store: its name in UpperCamelCase ({@code intel-graph} → IntelGraph). */
  static String construct(Store store) {
    StringBuilder out = new StringBuilder();
    for (String part : store.name().split("-")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }
}
