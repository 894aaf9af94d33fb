package io.summit.dr.deploy.aws;

import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.sns.CfnSubscription;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * A region's alert topic (KMS-encrypted) with the PagerDuty subscription: the stack parameter
 * {@code PagerDutyEndpoint} is the HTTPS integration URL of a PagerDuty service (CloudWatch
 * integration); left empty, the topic has no subscription. CloudWatch alarms can only notify a
 * topic in their own region, hence one per region.
 */
final class Alerts extends Construct {
  static final String PAGERDUTY_PARAMETER = "PagerDutyEndpoint";

  final Topic topic;

  Alerts(Construct scope, String id, String name, IKey key) {
    super(scope, id);
    topic = Topic.Builder.create(this, "Topic").topicName(name).masterKey(key).build();
    CfnParameter endpoint =
        CfnParameter.Builder.create(this, PAGERDUTY_PARAMETER)
            .type("String")
            .defaultValue("")
            .allowedPattern("^$|^https://.+")
            .description(
                "PagerDuty CloudWatch integration URL (https://events.pagerduty.com/...);"
                    + " empty: no subscription")
            .build();
    endpoint.overrideLogicalId(PAGERDUTY_PARAMETER);
    CfnCondition hasEndpoint =
        CfnCondition.Builder.create(this, "HasPagerDuty")
            .expression(Fn.conditionNot(Fn.conditionEquals(endpoint.getValueAsString(), "")))
            .build();
    CfnSubscription pagerDuty =
        CfnSubscription.Builder.create(this, "PagerDuty")
            .topicArn(topic.getTopicArn())
            .protocol("https")
            .endpoint(endpoint.getValueAsString())
            .build();
    pagerDuty.getCfnOptions().setCondition(hasEndpoint);
  }

  /** Notifies the topic when {@code alarm} fires and when it recovers. */
  void page(Alarm alarm) {
    alarm.addAlarmAction(new SnsAction(topic));
    alarm.addOkAction(new SnsAction(topic));
  }
}
