package io.summit.dr.deploy.aws;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * A region's KMS keys, rotated yearly: {@code data} encrypts everything at rest that holds platform
 * data (RDS, ElastiCache, S3, node volumes, secrets, alert topics); {@code cluster} envelope-
 * encrypts the EKS cluster's Kubernetes secrets. The data key lets the EC2 Auto Scaling
 * service-linked role use it (encrypted node volumes do not launch otherwise) and CloudWatch
 * publish to topics encrypted with it.
 */
final class Keys extends Construct {
  private static final List<String> USE =
      List.of(
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:DescribeKey",
          "kms:CreateGrant");

  final Key data;
  final Key cluster;

  Keys(Construct scope, String id, String prefix, String account, String region) {
    super(scope, id);
    data = key("Data", prefix + "/" + region + "/data", "Platform data at rest in " + region);
    cluster = key("Cluster", prefix + "/" + region + "/eks", "EKS secrets in " + region);
    data.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("AutoScalingUsesKeyForNodeVolumes")
            .principals(
                List.of(
                    new ArnPrincipal(
                        "arn:aws:iam::"
                            + account
                            + ":role/aws-service-role/autoscaling.amazonaws.com/"
                            + "AWSServiceRoleForAutoScaling")))
            .actions(USE)
            .resources(List.of("*"))
            .build());
    data.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("CloudWatchPublishesToEncryptedTopics")
            .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
            .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
            .resources(List.of("*"))
            .build());
  }

  private Key key(String id, String alias, String description) {
    return Key.Builder.create(this, id)
        .alias(alias)
        .description(description)
        .enableKeyRotation(true)
        .rotationPeriod(Duration.days(365))
        .build();
  }
}
