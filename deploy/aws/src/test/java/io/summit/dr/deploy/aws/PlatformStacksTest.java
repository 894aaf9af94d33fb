package io.summit.dr.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The per-region platform: VPC, EKS and node groups, KMS, Neo4j, peering. */
class PlatformStacksTest {
  /** Synthesised on first use and shared by the assertion test classes. */
  static final ExampleApp example = ExampleApp.get();

  @Test
  void vpcUsesTopologyCidrWithNatPerZoneInPrimaryAndOneInSecondary() {
    example.primary.hasResourceProperties("AWS::EC2::VPC", Map.of("CidrBlock", "10.10.0.0/16"));
    example.secondary.hasResourceProperties("AWS::EC2::VPC", Map.of("CidrBlock", "10.20.0.0/16"));
    example.primary.resourceCountIs("AWS::EC2::NatGateway", 3);
    example.secondary.resourceCountIs("AWS::EC2::NatGateway", 1);
    example.primary.resourceCountIs("AWS::EC2::Subnet", 6);
    example.secondary.hasResourceProperties(
        "AWS::EC2::Subnet", Map.of("AvailabilityZone", "us-east-1c"));
  }

  @Test
  void clustersAreNamedByRoleAndEncryptTheirSecrets() {
    example.primary.hasResourceProperties(
        "AWS::EKS::Cluster",
        Map.of(
            "Name",
            "summit-primary-cluster",
            "EncryptionConfig",
            List.of(Map.of("Resources", List.of("secrets"), "Provider", Match.anyValue()))));
    example.secondary.hasResourceProperties(
        "AWS::EKS::Cluster", Map.of("Name", "summit-secondary-cluster"));
  }

  @Test
  void primaryNodeGroupsAreSizedFromReplicasWithOneNodePerZoneAtLeast() {
    // 9 replicas, bounds 5..30 at 4 pods per node: 3 nodes, min 2 raised to the 3 zones, max 8
    example.primary.hasResourceProperties(
        "AWS::EKS::Nodegroup",
        Map.of(
            "NodegroupName", "critical",
            "CapacityType", "ON_DEMAND",
            "ScalingConfig", Map.of("MinSize", 3, "DesiredSize", 3, "MaxSize", 8)));
    example.primary.hasResourceProperties(
        "AWS::EKS::Nodegroup",
        Map.of("NodegroupName", "non-critical", "CapacityType", "ON_DEMAND"));
  }

  @Test
  void secondaryRunsItsMinimalFootprintAndNonCriticalWorkOnSpot() {
    // 3 replicas, bounds 2..30: one node, able to scale to the primary's 8 on failover
    example.secondary.hasResourceProperties(
        "AWS::EKS::Nodegroup",
        Map.of(
            "NodegroupName", "critical",
            "CapacityType", "ON_DEMAND",
            "ScalingConfig", Map.of("MinSize", 1, "DesiredSize", 1, "MaxSize", 8)));
    example.secondary.hasResourceProperties(
        "AWS::EKS::Nodegroup",
        Map.of(
            "NodegroupName",
            "non-critical",
            "CapacityType",
            "SPOT",
            "InstanceTypes",
            Match.arrayWith(List.of("m6i.xlarge", "m5.xlarge")),
            "ScalingConfig",
            Map.of("MinSize", 0, "DesiredSize", 1, "MaxSize", 4)));
  }

  @Test
  void nodeVolumesAreEncryptedWithTheRegionKeyAndImdsV2IsRequired() {
    for (Template t : List.of(example.primary, example.secondary)) {
      t.hasResourceProperties(
          "AWS::EC2::LaunchTemplate",
          Map.of(
              "LaunchTemplateData",
              Map.of(
                  "BlockDeviceMappings",
                  List.of(
                      Map.of(
                          "DeviceName",
                          "/dev/xvda",
                          "Ebs",
                          Map.of(
                              "Encrypted",
                              true,
                              "VolumeType",
                              "gp3",
                              "KmsKeyId",
                              Match.objectLike(Map.of("Fn::GetAtt", Match.anyValue()))))),
                  "MetadataOptions",
                  Map.of("HttpTokens", "required"))));
    }
  }

  @Test
  void everyRegionHasRotatedDataAndClusterKeys() {
    for (Template t : List.of(example.primary, example.secondary)) {
      t.resourceCountIs("AWS::KMS::Key", 2);
      assertThat(t.findResources("AWS::KMS::Key").values())
          .allSatisfy(key -> assertThat(properties(key)).containsEntry("EnableKeyRotation", true));
    }
  }

  @Test
  void neo4jPodsAssumeTheirRoleThroughPodIdentityWithTheAgentInstalled() {
    for (Template t : List.of(example.primary, example.secondary)) {
      t.hasResourceProperties(
          "AWS::EKS::PodIdentityAssociation",
          Map.of("Namespace", "neo4j", "ServiceAccount", "neo4j"));
      t.hasResourceProperties("AWS::EKS::Addon", Map.of("AddonName", "eks-pod-identity-agent"));
      t.hasResourceProperties(
          "AWS::IAM::Role",
          Map.of(
              "AssumeRolePolicyDocument",
              Map.of(
                  "Statement",
                  List.of(
                      Map.of(
                          "Action", List.of("sts:AssumeRole", "sts:TagSession"),
                          "Principal", Map.of("Service", "pods.eks.amazonaws.com"))))));
    }
  }

  @Test
  void peeringJoinsTheRegionsAndEachSideRoutesTheOthersCidr() {
    example.primary.hasResourceProperties(
        "AWS::EC2::VPCPeeringConnection", Map.of("PeerRegion", "us-east-1"));
    assertThat(
            example.primary.findResources(
                "AWS::EC2::Route",
                Map.of("Properties", Map.of("DestinationCidrBlock", "10.20.0.0/16"))))
        .hasSize(3);
    assertThat(
            example.replicas.findResources(
                "AWS::EC2::Route",
                Map.of(
                    "Properties",
                    Map.of(
                        "DestinationCidrBlock",
                        "10.10.0.0/16",
                        "VpcPeeringConnectionId",
                        crossRegionImport()))))
        .hasSize(3);
  }

  static Object crossRegionImport() {
    return Match.objectLike(
        Map.of("Fn::GetAtt", Match.arrayWith(List.of(Match.stringLikeRegexp("^ExportsReader.*")))));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> properties(Object resource) {
    return (Map<String, Object>)
        java.util.Objects.requireNonNull(((Map<String, Object>) resource).get("Properties"));
  }
}
