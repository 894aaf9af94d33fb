package io.summit.dr.deploy.aws;

import io.summit.dr.topology.RegionRole;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * What is global ({@code <name>-global}, in {@value #REGION}, where Route 53 publishes its health
 * check metrics): the DNS records and health checks ({@link Routing}), an alarm per region's health
 * check paging through this stack's alert topic, the failover hook ({@link FailoverHook}) the
 * primary's health alarm also notifies, and the operators' API tokens ({@link ApiTokens}).
 */
final class GlobalStack extends Stack {
  static final String REGION = "us-east-1";

  final Routing routing;
  final Alerts alerts;
  final FailoverHook hook;
  final ApiTokens tokens;

  GlobalStack(Construct scope, AwsTopology aws) {
    super(
        scope,
        aws.name() + "-global",
        StackProps.builder()
            .env(Environment.builder().account(aws.settings().account()).region(REGION).build())
            .crossRegionReferences(true)
            .description(
                "Summit DR " + aws.name() + ": Route 53 routing, health alarms, failover hook")
            .build());
    Key key =
        Key.Builder.create(this, "AlertKey")
            .alias(aws.name() + "/global/alerts")
            .description("Alert topics of the global stack")
            .enableKeyRotation(true)
            .rotationPeriod(Duration.days(365))
            .build();
    key.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("CloudWatchPublishesToEncryptedTopics")
            .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
            .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
            .resources(List.of("*"))
            .build());
    routing = new Routing(this, "Routing", aws);
    alerts = new Alerts(this, "Alerts", aws.name() + "-alerts-global", key);
    hook = new FailoverHook(this, "FailoverHook", aws, key);
    tokens = new ApiTokens(this, "ApiTokens", aws);
    routing.healthAlarms.values().forEach(alerts::page);
    Objects.requireNonNull(routing.healthAlarms.get(RegionRole.PRIMARY))
        .addAlarmAction(new SnsAction(hook.topic));
  }
}
