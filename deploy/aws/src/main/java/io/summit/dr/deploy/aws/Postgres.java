package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Region;
import io.summit.dr.topology.Store;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.InstanceClass;
import software.amazon.awscdk.services.ec2.InstanceSize;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.CredentialsFromUsernameOptions;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.IInstanceEngine;
import software.amazon.awscdk.services.rds.ParameterGroup;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.amazon.awscdk.services.rds.StorageType;
import software.amazon.awscdk.services.secretsmanager.ReplicaRegion;
import software.constructs.Construct;

/**
 * A PostgreSQL store's primary: an RDS instance in the primary region's private subnets (Multi-AZ
 * when the store's topology has {@code multi_az}), encrypted with the region's data key, TLS
 * enforced, with a parameter group tuned as the source of a cross-region replica (enough WAL
 * senders, WAL kept for a replica that falls behind, a sender timeout that notices a dead link).
 * Its master credentials are a Secrets Manager secret replicated to the secondary region (encrypted
 * there with that region's key), so they survive the primary.
 */
final class Postgres extends Construct {
  static final IInstanceEngine ENGINE =
      DatabaseInstanceEngine.postgres(
          PostgresInstanceEngineProps.builder().version(PostgresEngineVersion.VER_17_9).build());
  static final InstanceType INSTANCE_TYPE = InstanceType.of(InstanceClass.R6G, InstanceSize.LARGE);
  static final int PORT = 5432;

  final DatabaseInstance instance;

  /**
   * @param node the instance identifier the runbook addresses ({@code <name>-<store>-<region>});
   *     its parameter group is {@code <node>-params}, its own, as fencing requires
   */
  Postgres(
      Construct scope,
      String id,
      String node,
      Store store,
      Vpc vpc,
      IKey key,
      Region peer,
      IKey peerKey) {
    super(scope, id);
    SecurityGroup group = securityGroup(this, vpc, AwsTopology.cidr(peer));
    instance =
        DatabaseInstance.Builder.create(this, "Instance")
            .instanceIdentifier(node)
            .engine(ENGINE)
            .instanceType(INSTANCE_TYPE)
            .vpc(vpc)
            .vpcSubnets(
                SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
            .securityGroups(List.of(group))
            // The topology's multi_az: a synchronous standby in a second zone, which RDS places
            // itself (an instance with MultiAZ takes no AvailabilityZone).
            .multiAz(store.multiAz() != null)
            .storageEncrypted(true)
            .storageEncryptionKey(key)
            .storageType(StorageType.GP3)
            .allocatedStorage(100)
            .maxAllocatedStorage(1000)
            .credentials(
                Credentials.fromGeneratedSecret(
                    "summit",
                    CredentialsFromUsernameOptions.builder()
                        .encryptionKey(key)
                        .replicaRegions(
                            List.of(
                                ReplicaRegion.builder()
                                    .region(peer.name())
                                    .encryptionKey(peerKey)
                                    .build()))
                        .build()))
            .parameterGroup(
                ParameterGroup.Builder.create(this, "Parameters")
                    .name(node + "-params")
                    .engine(ENGINE)
                    .description(store.name() + ": primary, source of a cross-region replica")
                    .parameters(
                        Map.of(
                            "rds.force_ssl", "1",
                            "max_wal_senders", "10",
                            "wal_keep_size", "4096",
                            "wal_sender_timeout", "30000",
                            "track_commit_timestamp", "1"))
                    .build())
            .backupRetention(Duration.days(7))
            .deletionProtection(true)
            .cloudwatchLogsExports(List.of("postgresql"))
            .removalPolicy(RemovalPolicy.SNAPSHOT)
            .build();
  }

  /** Admits PostgreSQL clients from the local VPC and from the peered region's VPC. */
  static SecurityGroup securityGroup(Construct scope, Vpc vpc, String peerCidr) {
    SecurityGroup group =
        SecurityGroup.Builder.create(scope, "SecurityGroup")
            .vpc(vpc)
            .description("PostgreSQL clients of the platform")
            .allowAllOutbound(false)
            .build();
    group.addIngressRule(Peer.ipv4(vpc.getVpcCidrBlock()), Port.tcp(PORT), "platform VPC");
    group.addIngressRule(Peer.ipv4(peerCidr), Port.tcp(PORT), "peered region VPC");
    return group;
  }
}
