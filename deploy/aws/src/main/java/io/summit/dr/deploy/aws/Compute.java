package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.eks_v2.Addon;
import software.amazon.awscdk.services.eks_v2.CapacityType;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.ClusterLoggingTypes;
import software.amazon.awscdk.services.eks_v2.DefaultCapacityType;
import software.amazon.awscdk.services.eks_v2.EndpointAccess;
import software.amazon.awscdk.services.eks_v2.KubernetesVersion;
import software.amazon.awscdk.services.eks_v2.LaunchTemplateSpec;
import software.amazon.awscdk.services.eks_v2.NodegroupAmiType;
import software.amazon.awscdk.services.eks_v2.NodegroupOptions;
import software.constructs.Construct;

/**
 * A region's EKS cluster ({@code <name>-primary-cluster}, {@code <name>-secondary-cluster}) with
 * two managed node groups sized from the topology ({@link AwsTopology#criticalNodes}, {@link
 * AwsTopology#nonCriticalNodes}): {@code critical} (on-demand; the services and Neo4j) and {@code
 * non-critical} (spot in the secondary, as the architecture's cost plan says). Nodes boot from a
 * launch template with a KMS-encrypted gp3 root volume and IMDSv2 only. The cluster is built with
 * the {@code aws-eks-v2} constructs, which need no kubectl Lambda layer and synthesise offline;
 * managed node groups carry the cluster-autoscaler discovery tags.
 */
final class Compute extends Construct {
  static final KubernetesVersion VERSION = KubernetesVersion.V1_33;

  final Cluster cluster;

  Compute(Construct scope, String id, AwsTopology aws, Region region, Vpc vpc, Keys keys) {
    super(scope, id);
    String role = region.role() == RegionRole.PRIMARY ? "primary" : "secondary";
    SubnetSelection privateSubnets =
        SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();
    cluster =
        Cluster.Builder.create(this, "Cluster")
            .clusterName(aws.name() + "-" + role + "-cluster")
            .version(VERSION)
            .vpc(vpc)
            .vpcSubnets(List.of(privateSubnets))
            .defaultCapacityType(DefaultCapacityType.NODEGROUP)
            .defaultCapacity(0)
            .endpointAccess(EndpointAccess.PUBLIC_AND_PRIVATE)
            .secretsEncryptionKey(keys.cluster)
            .clusterLogging(
                List.of(
                    ClusterLoggingTypes.API,
                    ClusterLoggingTypes.AUDIT,
                    ClusterLoggingTypes.AUTHENTICATOR))
            .build();
    // EKS Pod Identity (the Neo4j pods' role) needs its agent on every node
    Addon.Builder.create(this, "PodIdentityAgent")
        .cluster(cluster)
        .addonName("eks-pod-identity-agent")
        .build();
    LaunchTemplate template =
        LaunchTemplate.Builder.create(this, "NodeTemplate")
            .requireImdsv2(true)
            .httpPutResponseHopLimit(2)
            .blockDevices(
                List.of(
                    BlockDevice.builder()
                        .deviceName("/dev/xvda")
                        .volume(
                            BlockDeviceVolume.ebs(
                                50,
                                EbsDeviceOptions.builder()
                                    .volumeType(EbsDeviceVolumeType.GP3)
                                    .encrypted(true)
                                    .kmsKey(keys.data)
                                    .build()))
                        .build()))
            .build();
    LaunchTemplateSpec spec =
        LaunchTemplateSpec.builder()
            .id(template.getLaunchTemplateId())
            .version(template.getLatestVersionNumber())
            .build();
    InstanceType type = new InstanceType(aws.settings().nodeInstanceType());
    NodeGroupSize critical = aws.criticalNodes(region);
    cluster.addNodegroupCapacity(
        "Critical",
        options(critical, "critical", CapacityType.ON_DEMAND, List.of(type), spec, privateSubnets));
    boolean spot = region.role() != RegionRole.PRIMARY;
    cluster.addNodegroupCapacity(
        "NonCritical",
        options(
            aws.nonCriticalNodes(region),
            "non-critical",
            spot ? CapacityType.SPOT : CapacityType.ON_DEMAND,
            spot ? spotTypes(aws.settings().nodeInstanceType()) : List.of(type),
            spec,
            privateSubnets));
  }

  /** Spot pools of the same size as {@code type}, so that one pool running dry is not fatal. */
  private static List<InstanceType> spotTypes(String type) {
    String size = type.substring(type.indexOf('.') + 1);
    return java.util.stream.Stream.of(type, "m5." + size, "m6a." + size, "m7i." + size)
        .distinct()
        .map(InstanceType::new)
        .toList();
  }

  private static NodegroupOptions options(
      NodeGroupSize size,
      String workload,
      CapacityType capacity,
      List<InstanceType> types,
      LaunchTemplateSpec template,
      SubnetSelection subnets) {
    return NodegroupOptions.builder()
        .nodegroupName(workload)
        .minSize(size.min())
        .desiredSize(size.desired())
        .maxSize(size.max())
        .capacityType(capacity)
        .instanceTypes(types)
        .amiType(NodegroupAmiType.AL2023_X86_64_STANDARD)
        .launchTemplateSpec(template)
        .subnets(subnets)
        .labels(Map.of("summit.io/workload", workload))
        .build();
  }
}
