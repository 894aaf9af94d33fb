package io.summit.dr.deploy.aws;

import static io.summit.dr.deploy.aws.PlatformStacksTest.crossRegionImport;
import static io.summit.dr.deploy.aws.PlatformStacksTest.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** PostgreSQL, Redis and S3 across the regions, and their replication alarms. */
class DataReplicationTest {
  static final ExampleApp example = ExampleApp.get();

  @Test
  void postgresPrimaryIsMultiAzEncryptedAndTunedAsReplicationSource() {
    example.primary.hasResourceProperties(
        "AWS::RDS::DBInstance",
        Map.of(
            "Engine",
            "postgres",
            "MultiAZ",
            true,
            "StorageEncrypted",
            true,
            "KmsKeyId",
            Match.objectLike(Map.of("Fn::GetAtt", Match.anyValue())),
            "BackupRetentionPeriod",
            7));
    example.primary.hasResourceProperties(
        "AWS::RDS::DBParameterGroup",
        Map.of(
            "Parameters",
            Map.of("rds.force_ssl", "1", "max_wal_senders", "10", "wal_keep_size", "4096")));
  }

  /**
   * The runbook finds what the app deployed: instances, their own parameter groups and replication
   * groups carry the names the runbook addresses (AwsTargets: {@code <name>-<store>-<region>}).
   */
  @Test
  void storeNodesCarryTheNamesTheRunbookAddresses() {
    io.summit.dr.cloud.aws.AwsTargets t = RunbookPolicies.targets(example.aws);
    assertThat(t.node("postgres", "us-west-2")).isEqualTo("summit-postgres-us-west-2");
    example.primary.hasResourceProperties(
        "AWS::RDS::DBInstance", Map.of("DBInstanceIdentifier", "summit-postgres-us-west-2"));
    example.primary.hasResourceProperties(
        "AWS::RDS::DBParameterGroup",
        Map.of("DBParameterGroupName", t.parameterGroup("postgres", "us-west-2")));
    example.primary.hasResourceProperties(
        "AWS::ElastiCache::ReplicationGroup",
        Map.of("ReplicationGroupId", t.node("redis", "us-west-2")));
    example.replicas.hasResourceProperties(
        "AWS::RDS::DBInstance", Map.of("DBInstanceIdentifier", t.node("postgres", "us-east-1")));
    example.replicas.hasResourceProperties(
        "AWS::RDS::DBParameterGroup",
        Map.of("DBParameterGroupName", t.parameterGroup("postgres", "us-east-1")));
    example.replicas.hasResourceProperties(
        "AWS::ElastiCache::ReplicationGroup",
        Map.of("ReplicationGroupId", t.node("redis", "us-east-1")));
    example.primary.hasResourceProperties(
        "AWS::ElastiCache::GlobalReplicationGroup",
        Map.of("GlobalReplicationGroupIdSuffix", t.global("redis")));
  }

  @Test
  void storesWithoutMultiAzGetOneNodePerRegion() {
    String text =
        ExampleApp.exampleText()
            .replaceAll("(?m)^    #[^\n]*Multi-AZ[^\n]*\n    multi_az:\n(?:      [^\n]*\n)+", "");
    assertThat(text).doesNotContain("multi_az");
    ExampleApp single = ExampleApp.of("single-az.yaml", text);
    single.primary.hasResourceProperties("AWS::RDS::DBInstance", Map.of("MultiAZ", false));
    single.replicas.hasResourceProperties("AWS::RDS::DBInstance", Map.of("MultiAZ", false));
    single.primary.hasResourceProperties(
        "AWS::ElastiCache::ReplicationGroup",
        Map.of(
            "NumCacheClusters",
            1,
            "MultiAZEnabled",
            false,
            "PreferredCacheClusterAZs",
            Match.absent()));
    single.replicas.hasResourceProperties(
        "AWS::ElastiCache::ReplicationGroup", Map.of("NumCacheClusters", 1));
  }

  @Test
  void readReplicaPointsAtThePrimaryThroughACrossRegionReference() {
    String primaryId = logicalId(example.primary, "AWS::RDS::DBInstance");
    example.replicas.hasResourceProperties(
        "AWS::RDS::DBInstance",
        Map.of(
            "SourceDBInstanceIdentifier",
            Map.of(
                "Fn::Join",
                List.of(
                    "",
                    Match.arrayWith(
                        List.of(
                            ":rds:us-west-2:111111111111:db:",
                            Match.objectLike(
                                Map.of(
                                    "Fn::GetAtt",
                                    Match.arrayWith(
                                        List.of(
                                            Match.stringLikeRegexp(
                                                ".*summituswest2Ref" + primaryId + ".*")))))))))));
    example.replicas.hasResourceProperties(
        "AWS::RDS::DBInstance",
        Map.of("KmsKeyId", Match.anyValue(), "StorageEncrypted", Match.absent(), "MultiAZ", true));
    // one export writer per consuming region: the secondary's stacks, and the witness region's
    // control plane (the stores' secrets)
    var writers =
        example.primary.findResources("Custom::CrossRegionExportWriter").values().stream()
            .map(w -> String.valueOf(properties(w).get("WriterProps")))
            .toList();
    assertThat(writers).hasSize(2);
    assertThat(writers.stream().filter(w -> w.contains("region=us-east-1")).findFirst())
        .get()
        .asString()
        .containsPattern("summituswest2Ref" + primaryId + "\\w*=\\{Ref=" + primaryId + "}");
  }

  @Test
  void globalDatastoreHasThePrimaryRegionGroupAsPrimaryMember() {
    String groupId = logicalId(example.primary, "AWS::ElastiCache::ReplicationGroup");
    example.primary.hasResourceProperties(
        "AWS::ElastiCache::GlobalReplicationGroup",
        Map.of(
            "GlobalReplicationGroupIdSuffix",
            "summit-redis",
            "Members",
            List.of(
                Map.of(
                    "ReplicationGroupId", Map.of("Ref", groupId),
                    "ReplicationGroupRegion", "us-west-2",
                    "Role", "PRIMARY"))));
    example.primary.hasResourceProperties(
        "AWS::ElastiCache::ReplicationGroup",
        Map.of(
            "Engine",
            "redis",
            "NumCacheClusters",
            2,
            "MultiAZEnabled",
            true,
            "PreferredCacheClusterAZs",
            List.of("us-west-2a", "us-west-2b"),
            "AtRestEncryptionEnabled",
            true,
            "TransitEncryptionEnabled",
            true));
  }

  /**
   * The Redis fence ({@code ModifyUser} on the application user) finds the user it changes: in each
   * region the replication group has a user group with that user ({@code AwsTargets.redisUser}),
   * writable, its password a reference to a generated secret, and a disabled {@code default}.
   */
  @Test
  void eachRedisReplicationGroupHasTheApplicationUserTheFenceChanges() {
    io.summit.dr.cloud.aws.AwsTargets t = RunbookPolicies.targets(example.aws);
    assertThat(t.redisUser("redis", "us-west-2")).isEqualTo("summit-redis-us-west-2-app");
    for (var region :
        List.of(
            Map.entry("us-west-2", example.primary), Map.entry("us-east-1", example.replicas))) {
      String node = t.node("redis", region.getKey());
      Template template = region.getValue();
      template.resourceCountIs("AWS::ElastiCache::User", 2);
      template.hasResourceProperties(
          "AWS::ElastiCache::User",
          Map.of(
              "UserId", t.redisUser("redis", region.getKey()),
              "UserName", t.redisUser("redis", region.getKey()),
              "Engine", "redis",
              "AccessString", "on ~* +@all",
              "AuthenticationMode",
                  Map.of(
                      "Type",
                      "password",
                      "Passwords",
                      List.of(
                          Map.of(
                              "Fn::Join",
                              List.of(
                                  "",
                                  Match.arrayWith(
                                      List.of(
                                          "{{resolve:secretsmanager:",
                                          Match.objectLike(Map.of("Ref", Match.anyValue())),
                                          ":SecretString:password::}}"))))))));
      template.hasResourceProperties(
          "AWS::ElastiCache::User",
          Map.of(
              "UserId",
              node + "-default",
              "UserName",
              "default",
              "AccessString",
              "off -@all",
              "NoPasswordRequired",
              true));
      template.hasResourceProperties(
          "AWS::ElastiCache::UserGroup",
          Map.of(
              "UserGroupId",
              node + "-users",
              "Engine",
              "redis",
              "UserIds",
              List.of(t.redisUser("redis", region.getKey()), node + "-default")));
      String userGroup = logicalId(template, "AWS::ElastiCache::UserGroup");
      template.hasResource(
          "AWS::ElastiCache::ReplicationGroup",
          Map.of(
              "Properties",
              Match.objectLike(
                  Map.of("ReplicationGroupId", node, "UserGroupIds", List.of(node + "-users"))),
              "DependsOn",
              Match.arrayWith(List.of(userGroup))));
      template.hasResource(
          "AWS::ElastiCache::UserGroup",
          Map.of("DependsOn", Match.arrayWith(List.of(Match.stringLikeRegexp(".*UsersApp.*")))));
      template.hasResourceProperties(
          "AWS::SecretsManager::Secret",
          Map.of(
              "Name", node + "/app-password",
              "KmsKeyId", Match.anyValue(),
              "GenerateSecretString", Match.objectLike(Map.of("GenerateStringKey", "password"))));
    }
  }

  /** No user's password is in the template: only references to the generated secrets. */
  @Test
  void noRedisPasswordIsALiteral() {
    for (Template template : List.of(example.primary, example.replicas)) {
      template
          .findResources("AWS::ElastiCache::User")
          .values()
          .forEach(
              u -> {
                Map<String, Object> props = properties(u);
                assertThat(props).doesNotContainKey("Passwords");
                Object mode = props.get("AuthenticationMode");
                if (mode != null) {
                  assertThat(String.valueOf(mode))
                      .contains("{{resolve:secretsmanager:")
                      .doesNotContainPattern("Passwords=\\[[^{\\]]");
                } else {
                  assertThat(props).containsEntry("NoPasswordRequired", true);
                }
              });
    }
  }

  @Test
  void secondaryRedisGroupJoinsTheGlobalDatastoreByReference() {
    example.replicas.hasResourceProperties(
        "AWS::ElastiCache::ReplicationGroup",
        Map.of(
            "GlobalReplicationGroupId",
            Map.of(
                "Fn::GetAtt",
                Match.arrayWith(
                    List.of(
                        Match.stringLikeRegexp(
                            ".*RedisGlobalDatastore.*GlobalReplicationGroupId.*")))),
            "NumCacheClusters",
            2,
            "MultiAZEnabled",
            true,
            "PreferredCacheClusterAZs",
            List.of("us-east-1a", "us-east-1b"),
            "AtRestEncryptionEnabled",
            true,
            "TransitEncryptionEnabled",
            true,
            "KmsKeyId",
            Match.anyValue()));
  }

  @Test
  void dataBucketsAreNamedPerRegionVersionedAndKmsEncrypted() {
    example.primary.hasResourceProperties("AWS::S3::Bucket", bucket("intelgraph-data-us-west-2"));
    example.secondary.hasResourceProperties("AWS::S3::Bucket", bucket("intelgraph-data-us-east-1"));
  }

  @Test
  void primaryBucketReplicatesToTheSecondaryWithTimeControlAndMetrics() {
    example.primary.hasResourceProperties(
        "AWS::S3::Bucket",
        Map.of(
            "BucketName",
            "intelgraph-data-us-west-2",
            "ReplicationConfiguration",
            Map.of(
                "Role",
                Match.anyValue(),
                "Rules",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Id", "replicate-objects",
                                "Status", "Enabled",
                                "DeleteMarkerReplication", Map.of("Status", "Enabled"),
                                "SourceSelectionCriteria",
                                    Map.of("SseKmsEncryptedObjects", Map.of("Status", "Enabled")),
                                "Destination",
                                    Match.objectLike(
                                        Map.of(
                                            "Bucket", crossRegionImport(),
                                            "EncryptionConfiguration",
                                                Map.of("ReplicaKmsKeyID", crossRegionImport()),
                                            "ReplicationTime",
                                                Map.of(
                                                    "Status",
                                                    "Enabled",
                                                    "Time",
                                                    Map.of("Minutes", 15)),
                                            "Metrics",
                                                Map.of(
                                                    "Status",
                                                    "Enabled",
                                                    "EventThreshold",
                                                    Map.of("Minutes", 15)))))))))));
  }

  @Test
  void neo4jSnapshotsReplicateToTheSecondary() {
    example.primary.hasResourceProperties(
        "AWS::S3::Bucket",
        Map.of(
            "ReplicationConfiguration",
            Map.of(
                "Role",
                Match.anyValue(),
                "Rules",
                List.of(Match.objectLike(Map.of("Id", "replicate-neo4j-snapshots"))))));
    example.secondary.resourceCountIs("AWS::S3::Bucket", 2);
  }

  @Test
  void lagAlarmsFireAtTheStoresRpoBudget() {
    example.replicas.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of("MetricName", "ReplicaLag", "Namespace", "AWS/RDS", "Threshold", 300));
    example.replicas.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "MetricName", "GlobalDatastoreReplicationLag",
            "Namespace", "AWS/ElastiCache",
            "Threshold", 300));
    example.primary.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "MetricName",
            "ReplicationLatency",
            "Namespace",
            "AWS/S3",
            "Threshold",
            300,
            "Dimensions",
            Match.arrayWith(List.of(Map.of("Name", "RuleId", "Value", "replicate-objects"))),
            "AlarmActions",
            List.of(Map.of("Ref", Match.stringLikeRegexp("^AlertsTopic.*")))));
    assertThat(example.replicas.findResources("AWS::CloudWatch::Alarm").values())
        .allSatisfy(a -> assertThat(properties(a)).containsKey("AlarmActions"));
  }

  @Test
  void everythingAtRestIsEncrypted() {
    for (Template t : List.of(example.primary, example.secondary)) {
      assertThat(t.findResources("AWS::S3::Bucket").values())
          .allSatisfy(
              b ->
                  assertThat(String.valueOf(properties(b).get("BucketEncryption")))
                      .contains("aws:kms"));
      assertThat(t.findResources("AWS::SNS::Topic").values())
          .allSatisfy(topic -> assertThat(properties(topic)).containsKey("KmsMasterKeyId"));
    }
    for (Template t : List.of(example.primary, example.replicas)) {
      assertThat(t.findResources("AWS::SecretsManager::Secret").values())
          .allSatisfy(s -> assertThat(properties(s)).containsKey("KmsKeyId"));
    }
    // the database's master credentials follow it to the secondary; a Redis user's password is
    // its own region's
    assertThat(example.primary.findResources("AWS::SecretsManager::Secret").values())
        .filteredOn(s -> !properties(s).containsKey("Name"))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(properties(s)).containsKey("ReplicaRegions"));
    assertThat(example.global.findResources("AWS::SNS::Topic").values())
        .allSatisfy(topic -> assertThat(properties(topic)).containsKey("KmsMasterKeyId"));
  }

  private static Map<String, Object> bucket(String name) {
    return Map.of(
        "BucketName",
        name,
        "VersioningConfiguration",
        Map.of("Status", "Enabled"),
        "BucketEncryption",
        Map.of(
            "ServerSideEncryptionConfiguration",
            List.of(
                Match.objectLike(
                    Map.of(
                        "BucketKeyEnabled",
                        true,
                        "ServerSideEncryptionByDefault",
                        Map.of("SSEAlgorithm", "aws:kms", "KMSMasterKeyID", Match.anyValue()))))),
        "PublicAccessBlockConfiguration",
        Map.of("BlockPublicAcls", true, "RestrictPublicBuckets", true));
  }

  private static String logicalId(Template template, String type) {
    Map<String, Map<String, Object>> found = template.findResources(type);
    assertThat(found).hasSize(1);
    return found.keySet().iterator().next();
  }
}
