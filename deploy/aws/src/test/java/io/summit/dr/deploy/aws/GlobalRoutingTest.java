package io.summit.dr.deploy.aws;

import static io.summit.dr.deploy.aws.PlatformStacksTest.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Route 53 health checks and records, health alarms, PagerDuty and the failover hook. */
class GlobalRoutingTest {
  static final ExampleApp example = ExampleApp.get();

  @Test
  void eachRegionsLoadBalancerHasAHealthCheckAtTheTopologysIntervalAndThreshold() {
    for (String role : List.of("Primary", "Secondary")) {
      example.global.hasResourceProperties(
          "AWS::Route53::HealthCheck",
          Map.of(
              "HealthCheckConfig",
              Map.of(
                  "Type",
                  "HTTPS",
                  "FullyQualifiedDomainName",
                  Map.of("Ref", role + "LoadBalancerDns"),
                  "Port",
                  443,
                  "ResourcePath",
                  "/health/ready",
                  "RequestInterval",
                  10,
                  "FailureThreshold",
                  3,
                  "EnableSNI",
                  true)));
    }
  }

  @Test
  void readHostHasALatencyRecordPerRegionEvaluatingTargetHealthWithItsHealthCheck() {
    for (String region : List.of("us-west-2", "us-east-1")) {
      String role = region.equals("us-west-2") ? "Primary" : "Secondary";
      example.global.hasResourceProperties(
          "AWS::Route53::RecordSet",
          Map.of(
              "Name",
              "api.intelgraph.example.com",
              "Type",
              "A",
              "SetIdentifier",
              region,
              "Region",
              region,
              "HealthCheckId",
              healthCheck(role),
              "AliasTarget",
              Map.of(
                  "DNSName", Map.of("Ref", role + "LoadBalancerDns"),
                  "HostedZoneId", Map.of("Ref", role + "LoadBalancerZoneId"),
                  "EvaluateTargetHealth", true)));
    }
  }

  @Test
  void writeHostFailsOverFromPrimaryToSecondaryWithAShortTtl() {
    example.global.hasResourceProperties(
        "AWS::Route53::RecordSet",
        Map.of(
            "Name", "write.intelgraph.example.com",
            "Type", "CNAME",
            "Failover", "PRIMARY",
            "SetIdentifier", "us-west-2",
            "HealthCheckId", healthCheck("Primary"),
            "ResourceRecords", List.of(Map.of("Ref", "PrimaryLoadBalancerDns"))));
    example.global.hasResourceProperties(
        "AWS::Route53::RecordSet",
        Map.of(
            "Name", "write.intelgraph.example.com",
            "Failover", "SECONDARY",
            "SetIdentifier", "us-east-1",
            "HealthCheckId", healthCheck("Secondary")));
    assertThat(example.global.findResources("AWS::Route53::RecordSet").values())
        .hasSize(4)
        .allSatisfy(
            r -> {
              Object ttl = properties(r).get("TTL");
              if (ttl != null) {
                assertThat(Integer.parseInt(ttl.toString())).isLessThanOrEqualTo(60);
              }
            });
  }

  @Test
  void healthAlarmsPageAndOnlyThePrimarysStartsTheFailoverPlan() {
    example.global.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "AlarmName",
            "summit-us-west-2-unhealthy",
            "Namespace",
            "AWS/Route53",
            "MetricName",
            "HealthCheckStatus",
            "ComparisonOperator",
            "LessThanThreshold",
            "AlarmActions",
            List.of(
                Map.of("Ref", Match.stringLikeRegexp("^AlertsTopic.*")),
                Map.of("Ref", Match.stringLikeRegexp("^FailoverHookTopic.*")))));
    example.global.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "AlarmName",
            "summit-us-east-1-unhealthy",
            "AlarmActions",
            List.of(Map.of("Ref", Match.stringLikeRegexp("^AlertsTopic.*")))));
  }

  @Test
  void hookPostsAFailoverPlanToTheOrchestratorsPrivateNameFromTheControlVpcOfTheGlobalRegion() {
    Template home = Template.fromStack(ExampleApp.get().app.control().get(1));
    assertThat(ExampleApp.get().app.control().get(1).getRegion()).isEqualTo("us-east-1");
    home.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Code",
            Map.of(
                "ZipFile",
                Match.stringLikeRegexp(
                    "[\\s\\S]*kind: 'failover',\\s+to: process.env.TO_REGION[\\s\\S]*"))));
    home.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Runtime",
            "nodejs22.x",
            "VpcConfig",
            Match.objectLike(Map.of("SubnetIds", Match.anyValue())),
            "Environment",
            Map.of(
                "Variables",
                Match.objectLike(
                    Map.of(
                        "ORCHESTRATOR_URL", "http://orchestrator.summit-control.internal:8080",
                        "FROM_REGION", "us-west-2",
                        "TO_REGION", "us-east-1")))));
    home.hasResourceProperties(
        "AWS::SNS::Subscription", Map.of("Protocol", "lambda", "TopicArn", Match.anyValue()));
    home.hasResourceProperties("AWS::ServiceDiscovery::Service", Map.of("Name", "orchestrator"));
    assertThat(example.global.toJSON().toString()).doesNotContain("ORCHESTRATOR_URL");
    assertThat(example.global.findParameters("OrchestratorUrl")).isEmpty();
  }

  @Test
  void withoutAControlPlaneInTheGlobalRegionTheHookPostsToTheOrchestratorUrlParameter() {
    String text =
        ExampleApp.exampleText()
            .replace("us-east-1", "eu-west-1")
            .replace("us-west-2", "eu-central-1");
    ExampleApp other = ExampleApp.of("eu.yaml", text);

    other.global.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Environment",
            Map.of(
                "Variables",
                Match.objectLike(Map.of("ORCHESTRATOR_URL", Map.of("Ref", "OrchestratorUrl"))))));
    other.global.hasResourceProperties(
        "AWS::Lambda::Function", Map.of("VpcConfig", Match.absent()));
  }

  @Test
  void pagerDutySubscriptionIsAParameterAndOptionalInEveryStackWithATopic() {
    for (var t : List.of(example.global, example.primary, example.secondary)) {
      t.hasParameter("PagerDutyEndpoint", Map.of("Type", "String", "Default", ""));
      t.hasResource(
          "AWS::SNS::Subscription",
          Map.of(
              "Condition",
              Match.stringLikeRegexp("^AlertsHasPagerDuty.*"),
              "Properties",
              Map.of("Protocol", "https", "Endpoint", Map.of("Ref", "PagerDutyEndpoint"))));
    }
    example.global.hasParameter("PrimaryLoadBalancerZoneId", Map.of("Default", "Z1H1FL5HABSF5"));
    example.global.hasParameter("SecondaryLoadBalancerZoneId", Map.of("Default", "Z35SXDOTRQ7X7K"));
  }

  private static Object healthCheck(String role) {
    return Map.of(
        "Fn::GetAtt",
        List.of(Match.stringLikeRegexp("^Routing" + role + "HealthCheck.*"), "HealthCheckId"));
  }
}
