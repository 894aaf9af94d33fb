package io.summit.dr.deploy.aws;

import software.amazon.awscdk.services.ec2.CfnRoute;
import software.amazon.awscdk.services.ec2.CfnVPCPeeringConnection;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.Vpc;
import software.constructs.Construct;

/**
 * VPC peering between the regions, for replication and cross-region reads over private addresses
 * (the topology's non-overlapping CIDRs). The primary requests the peering with the secondary's VPC
 * (same account, so no acceptor role) and routes the secondary's CIDR through it from its private
 * subnets; {@link #routes} adds the way back on the secondary's side.
 */
final class Peering extends Construct {
  final CfnVPCPeeringConnection connection;

  Peering(Construct scope, String id, Vpc vpc, Vpc peerVpc, String peerRegion, String peerCidr) {
    super(scope, id);
    connection =
        CfnVPCPeeringConnection.Builder.create(this, "Connection")
            .vpcId(vpc.getVpcId())
            .peerVpcId(peerVpc.getVpcId())
            .peerRegion(peerRegion)
            .build();
    routes(this, vpc, peerCidr, connection.getRef());
  }

  /** A route to {@code cidr} through the peering from every private subnet of {@code vpc}. */
  static void routes(Construct scope, Vpc vpc, String cidr, String peeringId) {
    int i = 0;
    for (ISubnet subnet : vpc.getPrivateSubnets()) {
      CfnRoute.Builder.create(scope, "PeerRoute" + i++)
          .routeTableId(subnet.getRouteTable().getRouteTableId())
          .destinationCidrBlock(cidr)
          .vpcPeeringConnectionId(peeringId)
          .build();
    }
  }
}
