package io.summit.dr.deploy.aws;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.eventsources.SnsEventSource;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The hook from CloudWatch to the orchestrator: a topic the primary's health alarm notifies, and a
 * Lambda subscribed to it that, when the alarm enters ALARM, asks the orchestrator to start the
 * failover plan with {@code POST <OrchestratorUrl>/v1/plans} and the orchestrator's JSON body
 * {@code {"kind": "failover", "to": <secondary>, "requested_by": "cloudwatch-alarm ..."}}. The
 * orchestrator still applies its own rules (observer quorum, RPO budget, approval steps): the alarm
 * is one more observer, not a command. An HTTP 409 (a plan already runs) counts as success; other
 * failures throw, so that SNS retries. The function runs in the control-plane VPC of the global
 * stack's region and posts to the orchestrator's private name there (a follower redirects it to the
 * leader, across the VPC peering); with no control-plane stack in that region it runs outside any
 * VPC and posts to the stack parameter {@code OrchestratorUrl}, which left empty turns the hook
 * into a no-op that logs.
 *
 * <p>The hook authenticates: it sends {@code Authorization: Bearer <token>}, the token being a
 * Secrets Manager secret this construct generates ({@code <name>/orchestrator/hook-token}) that
 * only the hook's role may read; the orchestrator's API checks the same secret (its task reads it
 * at start-up). A caller without the token gets 401 and starts nothing.
 */
final class FailoverHook extends Construct {
  static final String URL_PARAMETER = "OrchestratorUrl";

  private static final String HANDLER =
      """
      const url = (process.env.ORCHESTRATOR_URL || '').replace(/\\/+$/, '');
      const {SecretsManagerClient, GetSecretValueCommand} = require('@aws-sdk/client-secrets-manager');
      let token;
      const bearer = async () => {
        if (!token) {
          const secret = await new SecretsManagerClient({}).send(
              new GetSecretValueCommand({SecretId: process.env.TOKEN_SECRET_ARN}));
          token = secret.SecretString;
        }
        return token;
      };
      exports.handler = async (event) => {
        for (const record of event.Records || []) {
          const alarm = JSON.parse(record.Sns.Message);
          if (alarm.NewStateValue !== 'ALARM') {
            console.log(`${alarm.AlarmName}: ${alarm.NewStateValue}, no plan to start`);
            continue;
          }
          if (!url) {
            console.log(`${alarm.AlarmName}: ALARM, but OrchestratorUrl is empty: no plan started`);
            continue;
          }
          const body = {
            kind: 'failover',
            to: process.env.TO_REGION,
            requested_by: `cloudwatch-alarm ${alarm.AlarmName} (from ${process.env.FROM_REGION}): ${alarm.NewStateReason}`,
          };
          const response = await fetch(`${url}/v1/plans`, {
            method: 'POST',
            headers: {'content-type': 'application/json', authorization: `Bearer ${await bearer()}`},
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(10000),
          });
          const text = await response.text();
          if (!response.ok && response.status !== 409) {
            throw new Error(`POST ${url}/v1/plans: HTTP ${response.status}: ${text}`);
          }
          console.log(`POST ${url}/v1/plans: HTTP ${response.status}: ${text}`);
        }
      };
      """;

  final Topic topic;
  final Secret token;

  /** The topic and the token, in the global stack; the function is {@link #subscribe}'s. */
  FailoverHook(Construct scope, String id, AwsTopology aws, IKey key) {
    super(scope, id);
    topic =
        Topic.Builder.create(this, "Topic")
            .topicName(aws.name() + "-failover-trigger")
            .masterKey(key)
            .build();
    token =
        Secret.Builder.create(this, "Token")
            .secretName(aws.name() + "/orchestrator/hook-token")
            .description("Bearer token the failover hook presents to the orchestrator API")
            .generateSecretString(
                SecretStringGenerator.builder().excludePunctuation(true).passwordLength(48).build())
            .build();
  }

  /**
   * The hook's function in {@code scope}, subscribed to the topic: in a control-plane VPC ({@code
   * vpc}) it posts to {@code url}, the orchestrator's name there; without one (no control-plane
   * stack in the global stack's region) to the stack parameter {@value #URL_PARAMETER}, which the
   * operator sets to an address the function can reach.
   */
  Function subscribe(
      Construct scope, String id, AwsTopology aws, @Nullable IVpc vpc, @Nullable String url) {
    String target = url;
    if (target == null) {
      CfnParameter parameter =
          CfnParameter.Builder.create(scope, URL_PARAMETER)
              .type("String")
              .defaultValue("")
              .allowedPattern("^$|^https?://.+")
              .description(
                  "Base URL of the Summit DR orchestrator API; the hook POSTs {url}/v1/plans."
                      + " Empty: the hook only logs")
              .build();
      parameter.overrideLogicalId(URL_PARAMETER);
      target = parameter.getValueAsString();
    }
    Function.Builder b =
        Function.Builder.create(scope, id)
            .description("Starts the " + aws.name() + " failover plan on the orchestrator")
            .runtime(Runtime.NODEJS_22_X)
            .handler("index.handler")
            .code(Code.fromInline(HANDLER))
            .timeout(Duration.seconds(30))
            .environment(
                Map.of(
                    "ORCHESTRATOR_URL", target,
                    "FROM_REGION", aws.primary().name(),
                    "TO_REGION", aws.secondary().name(),
                    "TOKEN_SECRET_ARN", token.getSecretArn()));
    if (vpc != null) {
      b.vpc(vpc)
          .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build());
    }
    Function function = b.build();
    token.grantRead(function);
    function.addEventSource(new SnsEventSource(topic));
    return function;
  }
}
