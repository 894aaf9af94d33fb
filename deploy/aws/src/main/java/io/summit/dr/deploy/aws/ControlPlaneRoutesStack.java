package io.summit.dr.deploy.aws;

import java.util.List;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The way back through the control plane's VPC peerings ({@code <name>-control-routes-<region>}):
 * in {@code accepter}'s region, a route from each of its VPC's private subnets to the CIDR of every
 * later control-plane region, through the peering that region's stack requested ({@link
 * ControlPlaneStack#peerWith}). Deployed after every control-plane stack; with it each etcd member
 * reaches the other two.
 */
final class ControlPlaneRoutesStack extends Stack {
  ControlPlaneRoutesStack(
      Construct scope,
      AwsTopology aws,
      ControlPlaneLayout layout,
      ControlPlaneStack accepter,
      List<ControlPlaneStack> requesters) {
    super(
        scope,
        aws.name() + "-control-routes-" + accepter.region,
        StackProps.builder()
            .env(
                Environment.builder()
                    .account(aws.settings().account())
                    .region(accepter.region)
                    .build())
            .crossRegionReferences(true)
            .description(
                "Summit DR "
                    + aws.name()
                    + ": control plane routes from "
                    + accepter.region
                    + " to "
                    + String.join(", ", requesters.stream().map(r -> r.region).toList())
                    + " through their VPC peerings")
            .build());
    for (ControlPlaneStack r : requesters) {
      Peering p = r.peerings.get(accepter.region);
      if (p == null) {
        throw new IllegalStateException(
            r.region + ": no peering requested with " + accepter.region);
      }
      Peering.routes(
          new Construct(this, "To-" + r.region),
          accepter.vpc,
          layout.cidr(r.region),
          p.connection.getRef());
    }
  }
}
