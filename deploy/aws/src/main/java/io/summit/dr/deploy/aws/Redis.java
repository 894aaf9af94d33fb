package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Region;
import io.summit.dr.topology.Store;
import java.util.List;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.elasticache.CfnGlobalReplicationGroup;
import software.amazon.awscdk.services.elasticache.CfnReplicationGroup;
import software.amazon.awscdk.services.elasticache.CfnSubnetGroup;
import software.amazon.awscdk.services.kms.IKey;
import software.constructs.Construct;

/**
 * A Redis store's primary: an ElastiCache replication group in the primary region (with the store's
 * {@code multi_az}, a primary and a replica node in its two zones, automatic failover, Multi-AZ;
 * one node without it), encrypted at rest with the region's data key and in transit, and the Global
 * Datastore whose primary member it is. The secondary region's replication group joins the Global
 * Datastore by its id ({@link RedisReplica}). Clients authenticate as the RBAC users of {@link
 * RedisUsers}, whose application user the runbook's fence makes read-only. ElastiCache has no L2
 * construct; these are the L1 resources.
 */
final class Redis extends Construct {
  static final String ENGINE = "redis";
  static final String ENGINE_VERSION = "7.1";

  /** Global Datastore needs a current-generation, non-burstable node type. */
  static final String NODE_TYPE = "cache.r7g.large";

  static final int PORT = 6379;

  final CfnReplicationGroup group;
  final CfnGlobalReplicationGroup global;
  final RedisUsers users;

  /**
   * @param node the replication group id the runbook addresses ({@code <name>-<store>-<region>})
   * @param user the application's RBAC user the runbook fences ({@code <node>-app})
   */
  Redis(
      Construct scope,
      String id,
      String node,
      String user,
      String name,
      Store store,
      Region region,
      Vpc vpc,
      IKey key,
      Region peer) {
    super(scope, id);
    users = new RedisUsers(this, "Users", node, user, key);
    group =
        CfnReplicationGroup.Builder.create(this, "ReplicationGroup")
            .replicationGroupId(node)
            .replicationGroupDescription(store.name() + " primary (" + region.name() + ")")
            .engine(ENGINE)
            .engineVersion(ENGINE_VERSION)
            .cacheNodeType(NODE_TYPE)
            .numCacheClusters(nodes(store))
            .automaticFailoverEnabled(store.multiAz() != null)
            .multiAzEnabled(store.multiAz() != null)
            .preferredCacheClusterAZs(zones(store, region))
            .atRestEncryptionEnabled(true)
            .kmsKeyId(key.getKeyArn())
            .transitEncryptionEnabled(true)
            .port(PORT)
            .snapshotRetentionLimit(7)
            .cacheSubnetGroupName(subnetGroup(this, vpc).getRef())
            .securityGroupIds(
                List.of(securityGroup(this, vpc, AwsTopology.cidr(peer)).getSecurityGroupId()))
            .build();
    users.attach(group);
    global =
        CfnGlobalReplicationGroup.Builder.create(this, "GlobalDatastore")
            .globalReplicationGroupIdSuffix(name + "-" + store.name())
            .globalReplicationGroupDescription(
                store.name() + ": primary in " + region.name() + ", secondary in " + peer.name())
            .automaticFailoverEnabled(true)
            .members(
                List.of(
                    CfnGlobalReplicationGroup.GlobalReplicationGroupMemberProperty.builder()
                        .replicationGroupId(group.getRef())
                        .replicationGroupRegion(region.name())
                        .role("PRIMARY")
                        .build()))
            .build();
  }

  /** Two nodes (writer and standby in the zones of multi_az), or one without it. */
  static int nodes(Store store) {
    return store.multiAz() != null ? 2 : 1;
  }

  /** The zones of {@code region}'s nodes from the store's multi_az, writer first; null without. */
  static @org.jspecify.annotations.Nullable List<String> zones(Store store, Region region) {
    io.summit.dr.topology.MultiAz multiAz = store.multiAz();
    return multiAz == null ? null : multiAz.zones().get(region.name());
  }

  static CfnSubnetGroup subnetGroup(Construct scope, Vpc vpc) {
    return CfnSubnetGroup.Builder.create(scope, "SubnetGroup")
        .description("private subnets of the platform VPC")
        .subnetIds(vpc.getPrivateSubnets().stream().map(ISubnet::getSubnetId).toList())
        .build();
  }

  /** Admits Redis clients from the local VPC and from the peered region's VPC. */
  static SecurityGroup securityGroup(Construct scope, Vpc vpc, String peerCidr) {
    SecurityGroup group =
        SecurityGroup.Builder.create(scope, "SecurityGroup")
            .vpc(vpc)
            .description("Redis clients of the platform")
            .allowAllOutbound(false)
            .build();
    group.addIngressRule(Peer.ipv4(vpc.getVpcCidrBlock()), Port.tcp(PORT), "platform VPC");
    group.addIngressRule(Peer.ipv4(peerCidr), Port.tcp(PORT), "peered region VPC");
    return group;
  }
}
