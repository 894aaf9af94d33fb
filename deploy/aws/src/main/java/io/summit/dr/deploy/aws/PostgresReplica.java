package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Region;
import io.summit.dr.topology.Store;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.rds.CfnDBInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceReadReplica;
import software.amazon.awscdk.services.rds.ParameterGroup;
import software.amazon.awscdk.services.rds.StorageType;
import software.constructs.Construct;

/**
 * A PostgreSQL store's cross-region read replica in the secondary region: the source is the
 * primary's instance (its ARN reaches this stack as a CDK cross-region reference), encrypted with
 * this region's data key, Multi-AZ when the store's topology has {@code multi_az} (so a promoted
 * replica keeps a standby in a second zone; single-AZ otherwise, for cost), with hot-standby
 * feedback on. An alarm pages when its {@code ReplicaLag} exceeds the store's RPO budget, the lag
 * at which the orchestrator refuses an automatic failover.
 */
final class PostgresReplica extends Construct {
  final DatabaseInstanceReadReplica replica;
  final Alarm lag;

  /**
   * @param node the replica's instance identifier the runbook addresses ({@code
   *     <name>-<store>-<region>}); its parameter group is {@code <node>-params}
   */
  PostgresReplica(
      Construct scope,
      String id,
      String node,
      Store store,
      Postgres source,
      Vpc vpc,
      IKey key,
      Region peer) {
    super(scope, id);
    replica =
        DatabaseInstanceReadReplica.Builder.create(this, "Replica")
            .instanceIdentifier(node)
            .sourceDatabaseInstance(source.instance)
            .instanceType(Postgres.INSTANCE_TYPE)
            .vpc(vpc)
            .vpcSubnets(
                SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
            .securityGroups(List.of(Postgres.securityGroup(this, vpc, AwsTopology.cidr(peer))))
            .storageEncryptionKey(key)
            .multiAz(store.multiAz() != null)
            .storageType(StorageType.GP3)
            .parameterGroup(
                ParameterGroup.Builder.create(this, "Parameters")
                    .name(node + "-params")
                    .engine(Postgres.ENGINE)
                    .description(store.name() + ": cross-region read replica")
                    .parameters(
                        Map.of(
                            "rds.force_ssl", "1",
                            "hot_standby_feedback", "1",
                            "max_standby_streaming_delay", "30000"))
                    .build())
            .deletionProtection(true)
            .cloudwatchLogsExports(List.of("postgresql"))
            .removalPolicy(RemovalPolicy.SNAPSHOT)
            .build();
    // A replica inherits encryption from its source; CloudFormation rejects StorageEncrypted next
    // to SourceDBInstanceIdentifier, while the KmsKeyId (this region's key) is required.
    ((CfnDBInstance) Objects.requireNonNull(replica.getNode().getDefaultChild()))
        .addPropertyDeletionOverride("StorageEncrypted");
    lag =
        Alarm.Builder.create(this, "LagAlarm")
            .alarmName(store.name() + "-replica-lag")
            .alarmDescription(
                store.name()
                    + ": RDS replica lag above the RPO budget of "
                    + store.rpoBudget().toSeconds()
                    + " s; an automatic failover would be refused")
            .metric(
                Metric.Builder.create()
                    .namespace("AWS/RDS")
                    .metricName("ReplicaLag")
                    .dimensionsMap(Map.of("DBInstanceIdentifier", replica.getInstanceIdentifier()))
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
