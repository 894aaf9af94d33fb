package io.summit.dr.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** The control plane's stacks, and every IAM policy of it pinned to its runbook's actions. */
class ControlPlaneTest {
  private static final List<String> ORCHESTRATOR =
      List.of(
          "cloudwatch:GetMetricData",
          "elasticache:DescribeGlobalReplicationGroups",
          "elasticache:DescribeUsers",
          "elasticache:DisassociateGlobalReplicationGroup",
          "elasticache:FailoverGlobalReplicationGroup",
          "elasticache:ModifyUser",
          "rds:CreateDBInstanceReadReplica",
          "rds:DescribeDBInstances",
          "rds:DescribeDBParameters",
          "rds:ModifyDBInstance",
          "rds:ModifyDBParameterGroup",
          "rds:PromoteReadReplica",
          "route53:ChangeResourceRecordSets",
          "route53:GetChange",
          "route53:ListHostedZonesByName",
          "route53:ListResourceRecordSets",
          "s3:GetMultiRegionAccessPointRoutes",
          "s3:SubmitMultiRegionAccessPointRoutes");

  private static final List<String> AGENT =
      List.of(
          "elasticache:DescribeGlobalReplicationGroups",
          "elasticache:DescribeUsers",
          "elasticache:ModifyUser",
          "rds:DescribeDBInstances",
          "rds:DescribeDBParameters",
          "rds:ModifyDBParameterGroup",
          "s3:GetMultiRegionAccessPointRoutes",
          "s3:SubmitMultiRegionAccessPointRoutes");

  private static Map<String, List<String>> runbookPolicies(Stack stack) {
    Template t = Template.fromStack(stack);
    Map<String, List<String>> out = new java.util.TreeMap<>();
    t.findResources("AWS::IAM::Policy")
        .forEach(
            (id, resource) -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> props =
                  (Map<String, Object>)
                      java.util.Objects.requireNonNull(resource.get("Properties"));
              @SuppressWarnings("unchecked")
              Map<String, Object> doc =
                  (Map<String, Object>)
                      java.util.Objects.requireNonNull(props.get("PolicyDocument"));
              @SuppressWarnings("unchecked")
              List<Map<String, Object>> statements =
                  (List<Map<String, Object>>)
                      java.util.Objects.requireNonNull(doc.get("Statement"));
              for (Map<String, Object> s : statements) {
                if ("Runbook".equals(s.get("Sid"))) {
                  Object a = s.get("Action");
                  @SuppressWarnings("unchecked")
                  List<String> actions =
                      a instanceof List<?> ? (List<String>) a : List.of((String) a);
                  out.put(id, new ArrayList<>(actions));
                }
              }
            });
    return out;
  }

  @Test
  void theControlPlaneRunsInThePrimaryTheSecondaryAndTheWitnessRegion() {
    SummitApp app = ExampleApp.get().app;
    assertThat(app.control())
        .extracting(Stack::getStackName)
        .containsExactly(
            "summit-control-us-west-2", "summit-control-us-east-1", "summit-control-us-east-2");
    Template witness = Template.fromStack(app.control().get(2));
    witness.resourceCountIs("AWS::EC2::Instance", 1);
    witness.resourceCountIs("AWS::ECS::Service", 1);
    Template primary = Template.fromStack(app.control().get(0));
    primary.resourceCountIs("AWS::ECS::Service", 2);
    String userData = primary.toJSON().toString();
    assertThat(userData)
        .contains(
            "--initial-cluster us-west-2=http://10.250.0.138:2380,us-east-1=http://10.251.0.138:2380,us-east-2=http://10.252.0.138:2380");
  }

  /**
   * The three etcd members reach each other: every pair of control-plane VPCs is peered once (the
   * later stack requests), with routes both ways from every private subnet.
   */
  @Test
  void everyPairOfControlPlaneVpcsIsPeeredWithRoutesBothWays() {
    SummitApp app = ExampleApp.get().app;
    List<Stack> control = app.control();
    Template primary = Template.fromStack(control.get(0));
    Template secondary = Template.fromStack(control.get(1));
    Template witness = Template.fromStack(control.get(2));
    primary.resourceCountIs("AWS::EC2::VPCPeeringConnection", 0);
    secondary.resourceCountIs("AWS::EC2::VPCPeeringConnection", 1);
    witness.resourceCountIs("AWS::EC2::VPCPeeringConnection", 2);
    secondary.hasResourceProperties(
        "AWS::EC2::VPCPeeringConnection", Map.of("PeerRegion", "us-west-2"));
    witness.hasResourceProperties(
        "AWS::EC2::VPCPeeringConnection", Map.of("PeerRegion", "us-east-1"));
    // two private subnets (maxAzs 2) per VPC: a route per subnet and peer
    assertThat(routesTo(secondary)).containsExactlyInAnyOrder("10.250.0.0/24", "10.250.0.0/24");
    assertThat(routesTo(witness))
        .containsExactlyInAnyOrder(
            "10.250.0.0/24", "10.250.0.0/24", "10.251.0.0/24", "10.251.0.0/24");

    assertThat(app.controlRoutes())
        .extracting(Stack::getStackName)
        .containsExactly("summit-control-routes-us-west-2", "summit-control-routes-us-east-1");
    assertThat(routesTo(Template.fromStack(app.controlRoutes().get(0))))
        .containsExactlyInAnyOrder(
            "10.251.0.0/24", "10.251.0.0/24", "10.252.0.0/24", "10.252.0.0/24");
    assertThat(routesTo(Template.fromStack(app.controlRoutes().get(1))))
        .containsExactlyInAnyOrder("10.252.0.0/24", "10.252.0.0/24");
    assertThat(app.stacks()).endsWith(app.controlRoutes().toArray(Stack[]::new));
  }

  /** The destination CIDRs of the routes through a VPC peering in {@code t}. */
  private static List<String> routesTo(Template t) {
    List<String> out = new ArrayList<>();
    t.findResources("AWS::EC2::Route")
        .forEach(
            (id, resource) -> {
              Map<String, Object> props = PlatformStacksTest.properties(resource);
              if (props.containsKey("VpcPeeringConnectionId")) {
                out.add(String.valueOf(props.get("DestinationCidrBlock")));
              }
            });
    return out;
  }

  @Test
  void everyPolicyAllowsExactlyTheActionsOfItsRunbook() {
    SummitApp app = ExampleApp.get().app;
    for (Stack s : app.control().subList(0, 2)) {
      Map<String, List<String>> policies = runbookPolicies(s);
      assertThat(policies).hasSize(2);
      assertThat(policies.entrySet())
          .anySatisfy(
              e -> {
                assertThat(e.getKey()).startsWith("OrchestratorRole");
                assertThat(e.getValue()).containsExactlyElementsOf(ORCHESTRATOR);
              })
          .anySatisfy(
              e -> {
                assertThat(e.getKey()).startsWith("AgentRole");
                assertThat(e.getValue()).containsExactlyElementsOf(AGENT);
              });
    }
    Map<String, List<String>> witness = runbookPolicies(app.control().get(2));
    assertThat(witness).hasSize(1);
    assertThat(witness.values().iterator().next()).containsExactlyElementsOf(ORCHESTRATOR);
  }

  @Test
  void thePoliciesAreTheRunbooksOwnActions() {
    AwsTopology aws = ExampleApp.get().aws;
    assertThat(RunbookPolicies.orchestrator(aws)).containsExactlyElementsOf(ORCHESTRATOR);
    assertThat(RunbookPolicies.agent(aws, "us-west-2")).containsExactlyElementsOf(AGENT);
    assertThat(RunbookPolicies.agent(aws, "us-east-1")).containsExactlyElementsOf(AGENT);
  }

  @Test
  void theAlarmHookPresentsABearerTokenOnlyItMayRead() {
    Template global = ExampleApp.get().global;
    String json = global.toJSON().toString();
    assertThat(json).contains("authorization: `Bearer ${await bearer()}`");
    global.hasResourceProperties(
        "AWS::SecretsManager::Secret", Map.of("Name", "summit/orchestrator/hook-token"));
    assertThat(json).contains("TOKEN_SECRET_ARN").contains("secretsmanager:GetSecretValue");
  }

  @Test
  void aWitnessRegionThatIsADataRegionIsRefusedNamingTheContextKey() {
    assertThatThrownBy(() -> ControlPlaneLayout.of(ExampleApp.get().aws, "us-east-1"))
        .hasMessage(
            "context witnessRegion: 'us-east-1' (expected: a third AWS region, not us-west-2 or us-east-1)");
  }
}
