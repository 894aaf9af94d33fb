package io.summit.dr.deploy.aws;

import java.util.List;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.eks.CfnAccessEntry;
import software.constructs.Construct;

/**
 * The orchestrator replicas' access to a data region's EKS cluster ({@code
 * <name>-control-access-<region>}): an access entry per control-plane region's orchestrator role,
 * with {@value #POLICY} scoped to the topology's namespace: the scale-up step patches the
 * HorizontalPodAutoscalers and Deployments there through the Kubernetes API, with a token made from
 * the role's credentials ({@code EksToken}). Its own stack, deployed after the control-plane
 * stacks: EKS refuses an access entry for a role that does not exist yet, and the control-plane
 * stacks deploy after the clusters'.
 */
final class ClusterAccessStack extends Stack {
  static final String POLICY = "AmazonEKSEditPolicy";

  ClusterAccessStack(
      Construct scope, AwsTopology aws, String region, List<ControlPlaneStack> control) {
    super(
        scope,
        aws.name() + "-control-access-" + region,
        StackProps.builder()
            .env(Environment.builder().account(aws.settings().account()).region(region).build())
            .crossRegionReferences(true)
            .description(
                "Summit DR "
                    + aws.name()
                    + ": the orchestrator replicas' access to the EKS cluster of "
                    + region)
            .build());
    String cluster = RunbookPolicies.targets(aws).eksCluster(region);
    String namespace = RunbookPolicies.targets(aws).namespace();
    for (ControlPlaneStack c : control) {
      addDependency(c);
      CfnAccessEntry.Builder.create(this, "Orchestrator-" + c.region)
          .clusterName(cluster)
          .principalArn(c.orchestratorRole.getRoleArn())
          .type("STANDARD")
          .accessPolicies(
              List.of(
                  CfnAccessEntry.AccessPolicyProperty.builder()
                      .policyArn("arn:aws:eks::aws:cluster-access-policy/" + POLICY)
                      .accessScope(
                          CfnAccessEntry.AccessScopeProperty.builder()
                              .type("namespace")
                              .namespaces(List.of(namespace))
                              .build())
                      .build()))
          .build();
    }
  }
}
