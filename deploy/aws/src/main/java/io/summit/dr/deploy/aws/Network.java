package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Region;
import io.summit.dr.topology.RegionRole;
import java.util.List;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.constructs.Construct;

/**
 * A region's VPC over the topology's zones and CIDR: a public and a private subnet per zone. The
 * primary has a NAT gateway per zone (a zone failure leaves the others their egress); the secondary
 * one NAT gateway, for cost.
 */
final class Network extends Construct {
  final Vpc vpc;

  Network(Construct scope, String id, Region region) {
    super(scope, id);
    String cidr = AwsTopology.cidr(region);
    int prefix = io.summit.dr.topology.Cidr.parse(cidr).prefix();
    vpc =
        Vpc.Builder.create(this, "Vpc")
            .ipAddresses(IpAddresses.cidr(cidr))
            .availabilityZones(region.zones())
            .natGateways(region.role() == RegionRole.PRIMARY ? region.zones().size() : 1)
            .subnetConfiguration(
                List.of(
                    SubnetConfiguration.builder()
                        .name("public")
                        .subnetType(SubnetType.PUBLIC)
                        .cidrMask(prefix + 8)
                        .build(),
                    SubnetConfiguration.builder()
                        .name("private")
                        .subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                        .build()))
            .restrictDefaultSecurityGroup(false)
            .build();
    Validations.of(vpc)
        .acknowledge(
            Acknowledgment.builder()
                .id("CloudFormation-Validate::W3010")
                .reason("the zones are the topology's, named on purpose")
                .build());
  }
}
