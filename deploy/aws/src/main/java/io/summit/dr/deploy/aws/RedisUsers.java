package io.summit.dr.deploy.aws;

import io.summit.dr.cloud.aws.AwsTargets;
import java.util.List;
import software.amazon.awscdk.services.elasticache.CfnReplicationGroup;
import software.amazon.awscdk.services.elasticache.CfnUser;
import software.amazon.awscdk.services.elasticache.CfnUserGroup;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * The RBAC users of one region's replication group of a Redis store: the application's user ({@link
 * AwsTargets#redisUser}, the user the runbook's fence makes read-only with {@code ModifyUser}) with
 * full read/write access ({@link AwsTargets#REDIS_READ_WRITE}, what unfence writes back) and a
 * password from a generated Secrets Manager secret ({@code <node>/app-password}, JSON keys {@code
 * username} and {@value #PASSWORD_KEY}, encrypted with the region's data key; the template holds
 * only a dynamic reference to it); a disabled {@code default} user (ElastiCache requires a user
 * named {@code default} in every user group, and would otherwise let unauthenticated clients in as
 * its built-in default); and the user group holding both, which {@link #attach} gives to the
 * replication group.
 */
final class RedisUsers extends Construct {
  static final String PASSWORD_KEY = "password";
  static final String DISABLED = "off -@all";

  final CfnUser app;
  final CfnUser disabledDefault;
  final CfnUserGroup group;
  final Secret password;

  /**
   * @param node the replication group's id ({@code <name>-<store>-<region>})
   * @param user the application user's id and name ({@link AwsTargets#redisUser})
   */
  RedisUsers(Construct scope, String id, String node, String user, IKey key) {
    super(scope, id);
    password =
        Secret.Builder.create(this, "AppPassword")
            .secretName(node + "/app-password")
            .description("Password of the ElastiCache user " + user)
            .encryptionKey(key)
            .generateSecretString(
                SecretStringGenerator.builder()
                    .secretStringTemplate("{\"username\":\"" + user + "\"}")
                    .generateStringKey(PASSWORD_KEY)
                    // ElastiCache passwords: 16 to 128 printable characters, some punctuation
                    // refused
                    .excludePunctuation(true)
                    .passwordLength(32)
                    .build())
            .build();
    app =
        CfnUser.Builder.create(this, "App")
            .userId(user)
            .userName(user)
            .engine(Redis.ENGINE)
            .accessString(AwsTargets.REDIS_READ_WRITE)
            // a JSON-typed property in the CDK: spelled as CloudFormation expects it
            .authenticationMode(
                java.util.Map.of(
                    "Type",
                    "password",
                    "Passwords",
                    List.of(password.secretValueFromJson(PASSWORD_KEY).unsafeUnwrap())))
            .build();
    disabledDefault =
        CfnUser.Builder.create(this, "DisabledDefault")
            .userId(node + "-default")
            .userName("default")
            .engine(Redis.ENGINE)
            .accessString(DISABLED)
            .noPasswordRequired(true)
            .build();
    group =
        CfnUserGroup.Builder.create(this, "Group")
            .userGroupId(node + "-users")
            .engine(Redis.ENGINE)
            .userIds(List.of(app.getUserId(), disabledDefault.getUserId()))
            .build();
    group.addResourceDependency(app);
    group.addResourceDependency(disabledDefault);
  }

  /** Gives the user group to {@code replicationGroup}, created after it. */
  void attach(CfnReplicationGroup replicationGroup) {
    replicationGroup.setUserGroupIds(List.of(group.getUserGroupId()));
    replicationGroup.addResourceDependency(group);
  }
}
