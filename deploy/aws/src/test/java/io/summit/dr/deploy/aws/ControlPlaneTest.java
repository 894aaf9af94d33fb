package io.summit.dr.deploy.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.cloud.aws.AwsCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** The control plane's stacks, and every IAM policy of it pinned to its runbook's actions. */
class ControlPlaneTest {
  /**
   * Every statement of every IAM policy of {@code stack}, by policy logical id: Sid to {@code
   * actions -> resources}; a resource built from tokens is its string parts with {@code ${ref}} for
   * each reference.
   */
  static Map<String, Map<String, String>> statements(Stack stack) {
    Map<String, Map<String, String>> out = new java.util.TreeMap<>();
    Template.fromStack(stack)
        .findResources("AWS::IAM::Policy")
        .forEach(
            (id, resource) -> {
              Map<String, Object> doc =
                  map(PlatformStacksTest.properties(resource).get("PolicyDocument"));
              Map<String, String> bySid = new java.util.TreeMap<>();
              for (Object o : list(doc.get("Statement"))) {
                Map<String, Object> st = map(o);
                bySid.put(
                    String.valueOf(st.get("Sid")),
                    strings(st.get("Action")) + " -> " + strings(st.get("Resource")));
              }
              out.put(id, bySid);
            });
    return out;
  }

  private static List<String> strings(@org.jspecify.annotations.Nullable Object value) {
    List<Object> items =
        value instanceof List<?> ? list(value) : List.of(java.util.Objects.requireNonNull(value));
    return items.stream().map(ControlPlaneTest::text).toList();
  }

  private static String text(Object value) {
    if (value instanceof String s) {
      return s;
    }
    Map<String, Object> m = map(value);
    if (m.containsKey("Fn::Join")) {
      List<Object> join = list(m.get("Fn::Join"));
      return list(join.get(1)).stream()
          .map(ControlPlaneTest::text)
          .collect(java.util.stream.Collectors.joining(String.valueOf(join.get(0))));
    }
    return "${ref}";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(@org.jspecify.annotations.Nullable Object o) {
    return (Map<String, Object>) java.util.Objects.requireNonNull(o);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(@org.jspecify.annotations.Nullable Object o) {
    return (List<Object>) java.util.Objects.requireNonNull(o);
  }

  private static final String ACCOUNT = "111111111111";

  private static String rds(String region, String resource) {
    return "arn:aws:rds:" + region + ":" + ACCOUNT + ":" + resource;
  }

  private static String user(String region) {
    return "arn:aws:elasticache:"
        + region
        + ":"
        + ACCOUNT
        + ":user:summit-redis-"
        + region
        + "-app";
  }

  private static final String MRAP = "arn:aws:s3::" + ACCOUNT + ":accesspoint/summit-objects";

  private static String grant(String action, String... resources) {
    return "[" + action + "] -> " + List.of(resources);
  }

  /** The agent of {@code region}: its own region's fence and unfence calls, nothing else. */
  private static Map<String, String> agent(String region) {
    String db = rds(region, "db:summit-postgres-" + region);
    String pg = rds(region, "pg:summit-postgres-" + region + "-params");
    return Map.of(
        "ActionsWithoutResourceLevelPermissions",
        grant("elasticache:DescribeGlobalReplicationGroups", "*"),
        "ElasticacheDescribeUsers",
        grant("elasticache:DescribeUsers", user(region)),
        "ElasticacheModifyUser",
        grant("elasticache:ModifyUser", user(region)),
        "RdsDescribeDBInstances",
        grant("rds:DescribeDBInstances", db),
        "RdsDescribeDBParameters",
        grant("rds:DescribeDBParameters", pg),
        "RdsModifyDBParameterGroup",
        grant("rds:ModifyDBParameterGroup", pg),
        "S3GetMultiRegionAccessPointRoutes",
        grant("s3:GetMultiRegionAccessPointRoutes", MRAP),
        "S3SubmitMultiRegionAccessPointRoutes",
        grant("s3:SubmitMultiRegionAccessPointRoutes", MRAP));
  }

  /** Every call of every plan in both directions, on both regions' resources. */
  private static final Map<String, String> ORCHESTRATOR = orchestrator();

  private static Map<String, String> orchestrator() {
    String w = "us-west-2";
    String e = "us-east-1";
    String dbW = rds(w, "db:summit-postgres-us-west-2");
    String dbE = rds(e, "db:summit-postgres-us-east-1");
    String oldW = rds(w, "db:summit-postgres-us-west-2-old");
    String oldE = rds(e, "db:summit-postgres-us-east-1-old");
    String pgW = rds(w, "pg:summit-postgres-us-west-2-params");
    String pgE = rds(e, "pg:summit-postgres-us-east-1-params");
    String datastore = "arn:aws:elasticache::" + ACCOUNT + ":globalreplicationgroup:*-summit-redis";
    String zone = "arn:aws:route53:::hostedzone/${ref}";
    Map<String, String> m = new java.util.TreeMap<>();
    m.put(
        "ActionsWithoutResourceLevelPermissions",
        "[cloudwatch:GetMetricData, elasticache:DescribeGlobalReplicationGroups] -> [*]");
    m.put("ElasticacheDescribeUsers", grant("elasticache:DescribeUsers", user(e), user(w)));
    m.put(
        "ElasticacheDisassociateGlobalReplicationGroup",
        grant("elasticache:DisassociateGlobalReplicationGroup", datastore));
    m.put(
        "ElasticacheFailoverGlobalReplicationGroup",
        grant("elasticache:FailoverGlobalReplicationGroup", datastore));
    m.put("ElasticacheModifyUser", grant("elasticache:ModifyUser", user(e), user(w)));
    m.put(
        "RdsCreateDBInstanceReadReplica",
        grant("rds:CreateDBInstanceReadReplica", dbE, pgE, dbW, pgW));
    m.put("RdsDescribeDBInstances", grant("rds:DescribeDBInstances", dbE, oldE, dbW, oldW));
    m.put("RdsDescribeDBParameters", grant("rds:DescribeDBParameters", pgE, pgW));
    m.put("RdsModifyDBInstance", grant("rds:ModifyDBInstance", dbE, oldE, dbW, oldW));
    m.put("RdsModifyDBParameterGroup", grant("rds:ModifyDBParameterGroup", pgE, pgW));
    m.put("RdsPromoteReadReplica", grant("rds:PromoteReadReplica", dbE, dbW));
    m.put("Route53ChangeResourceRecordSets", grant("route53:ChangeResourceRecordSets", zone));
    m.put("Route53GetChange", grant("route53:GetChange", "arn:aws:route53:::change/*"));
    m.put("Route53ListResourceRecordSets", grant("route53:ListResourceRecordSets", zone));
    m.put("S3GetMultiRegionAccessPointRoutes", grant("s3:GetMultiRegionAccessPointRoutes", MRAP));
    m.put(
        "S3SubmitMultiRegionAccessPointRoutes",
        grant("s3:SubmitMultiRegionAccessPointRoutes", MRAP));
    return m;
  }

  /** The runbook's role policies of {@code stack}, by role: OrchestratorRole, AgentRole. */
  private static Map<String, Map<String, String>> rolePolicies(Stack stack) {
    Map<String, Map<String, String>> out = new java.util.TreeMap<>();
    statements(stack)
        .forEach(
            (id, st) -> {
              for (String role : List.of("OrchestratorRole", "AgentRole")) {
                if (id.startsWith(role + "DefaultPolicy")) {
                  out.put(role, st);
                }
              }
            });
    return out;
  }

  @Test
  void everyRolePolicyAllowsExactlyItsRunbooksCallsOnExactlyTheirResources() {
    List<Stack> control = ExampleApp.get().app.control();
    assertThat(rolePolicies(control.get(0)))
        .containsOnlyKeys("OrchestratorRole", "AgentRole")
        .containsEntry("OrchestratorRole", ORCHESTRATOR)
        .containsEntry("AgentRole", agent("us-west-2"));
    assertThat(rolePolicies(control.get(1)))
        .containsOnlyKeys("OrchestratorRole", "AgentRole")
        .containsEntry("OrchestratorRole", ORCHESTRATOR)
        .containsEntry("AgentRole", agent("us-east-1"));
    assertThat(rolePolicies(control.get(2))).containsOnlyKeys("OrchestratorRole");
    assertThat(rolePolicies(control.get(2)).get("OrchestratorRole")).isEqualTo(ORCHESTRATOR);
  }

  /** The hosted zone of the route53 grants is the global stack's zone, by reference. */
  @Test
  void theRecordChangesAreGrantedOnTheGlobalStacksZoneOnly() {
    String json = Template.fromStack(ExampleApp.get().app.control().get(1)).toJSON().toString();
    assertThat(json)
        .contains("arn:aws:route53:::hostedzone/")
        .contains(ControlPlaneStack.HOSTED_ZONE_ENV);
    assertThat(json).doesNotContain("hostedzone/*").doesNotContain("ListHostedZonesByName");
  }

  /** A statement on {@code *} is allowed only for the documented actions without resource types. */
  @Test
  void noActionIsGrantedOnEveryResourceUnlessItCannotBeScoped() {
    for (Stack s : ExampleApp.get().app.control()) {
      statements(s)
          .forEach(
              (policy, bySid) ->
                  bySid.forEach(
                      (sid, grant) -> {
                        if (grant.endsWith("-> [*]")) {
                          String actions = grant.substring(1, grant.indexOf("] -> "));
                          assertThat(List.of(actions.split(", ")))
                              .as(s.getStackName() + " " + policy + " " + sid)
                              .isSubsetOf(RunbookPolicies.UNSCOPABLE.keySet());
                          assertThat(sid).isEqualTo(RunbookPolicies.UNSCOPED_SID);
                        }
                      }));
    }
    assertThat(RunbookPolicies.UNSCOPABLE)
        .containsOnlyKeys(
            "cloudwatch:GetMetricData",
            "elasticache:DescribeGlobalReplicationGroups",
            "route53:ListHostedZonesByName");
  }

  @Test
  void aRunbookCallOnEveryResourceOutsideTheDocumentedListIsRefused() {
    AwsCall wide =
        AwsCall.write("rds", "PromoteReadReplica", "us-west-2", "DBInstanceIdentifier", "x")
            .on(AwsCall.ANY_RESOURCE);
    assertThatThrownBy(() -> RunbookPolicies.grants(List.of(wide)))
        .hasMessageContaining(
            "rds:PromoteReadReplica us-west-2 DBInstanceIdentifier=x: granted on *");
    AwsCall unnamed = AwsCall.read("rds", "DescribeDBInstances", "us-west-2");
    assertThatThrownBy(() -> RunbookPolicies.grants(List.of(unnamed)))
        .hasMessageContaining("names no resource");
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
    List<Stack> last = new ArrayList<>(app.controlRoutes());
    last.addAll(app.clusterAccess());
    assertThat(app.stacks()).endsWith(last.toArray(Stack[]::new));
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
  void theOperatorsTokensAreGeneratedSecretsOfTheGlobalStack() {
    Template global = ExampleApp.get().global;
    for (String caller : List.of("admin", "operator", "viewer")) {
      global.hasResourceProperties(
          "AWS::SecretsManager::Secret",
          Map.of(
              "Name",
              "summit/orchestrator/" + caller + "-token",
              "GenerateSecretString",
              Map.of("ExcludePunctuation", true, "PasswordLength", 48)));
    }
  }

  @Test
  void theAlarmHookPresentsABearerTokenOnlyItMayRead() {
    Template global = ExampleApp.get().global;
    global.hasResourceProperties(
        "AWS::SecretsManager::Secret", Map.of("Name", "summit/orchestrator/hook-token"));
    // the function, in the control plane's us-east-1 stack, reads it and sends it
    String json = Template.fromStack(ExampleApp.get().app.control().get(1)).toJSON().toString();
    assertThat(json).contains("authorization: `Bearer ${await bearer()}`");
    assertThat(json).contains("TOKEN_SECRET_ARN").contains("secretsmanager:GetSecretValue");
  }

  @Test
  void aWitnessRegionThatIsADataRegionIsRefusedNamingTheContextKey() {
    assertThatThrownBy(() -> ControlPlaneLayout.of(ExampleApp.get().aws, "us-east-1"))
        .hasMessage(
            "context witnessRegion: 'us-east-1' (expected: a third AWS region, not us-west-2 or us-east-1)");
  }
}
