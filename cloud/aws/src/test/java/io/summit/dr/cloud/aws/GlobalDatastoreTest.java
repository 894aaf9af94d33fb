package io.summit.dr.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.orchestrator.plan.PlanKind;
import io.summit.dr.replication.StoreResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GlobalDatastoreTest {
  private static final String NS = AwsStub.ELASTICACHE;
  private final AwsStub aws = new AwsStub(Fixtures.targets());
  private final StoreCalls.Redis calls = new StoreCalls.Redis(aws.targets, "redis");

  @AfterEach
  void close() {
    aws.close();
  }

  private GlobalDatastore node(String region) {
    return new GlobalDatastore(aws.context(), "redis", region, null);
  }

  private static String member(String region, String role) {
    return "<GlobalReplicationGroupMember><ReplicationGroupId>summit-redis-"
        + region
        + "</ReplicationGroupId><ReplicationGroupRegion>"
        + region
        + "</ReplicationGroupRegion><Role>"
        + role
        + "</Role><AutomaticFailover>enabled</AutomaticFailover><Status>associated</Status>"
        + "</GlobalReplicationGroupMember>";
  }

  private static String groups(String members) {
    return AwsStub.ok(
        "DescribeGlobalReplicationGroups",
        NS,
        "<GlobalReplicationGroups><GlobalReplicationGroup>"
            + "<GlobalReplicationGroupId>ldgnf-summit-redis</GlobalReplicationGroupId>"
            + "<Status>available</Status><Engine>redis</Engine><Members>"
            + members
            + "</Members>"
            + "</GlobalReplicationGroup></GlobalReplicationGroups>");
  }

  private static String users(String region, String access) {
    return AwsStub.ok(
        "DescribeUsers",
        NS,
        "<Users><member><UserId>summit-redis-"
            + region
            + "-app</UserId><UserName>app</UserName>"
            + "<Status>active</Status><Engine>redis</Engine><AccessString>"
            + access
            + "</AccessString></member></Users>");
  }

  @Test
  void fenceMakesTheApplicationUserReadOnlyAsTheRunbookSays() {
    aws.query(
        "DescribeGlobalReplicationGroups",
        200,
        groups(member("us-west-2", "PRIMARY") + member("us-east-1", "SECONDARY")));
    aws.query("DescribeUsers", 200, users("us-west-2", "on ~* +@all"));
    aws.query(
        "ModifyUser",
        200,
        AwsStub.ok(
            "ModifyUser",
            NS,
            "<UserId>summit-redis-us-west-2-app</UserId><Status>modifying</Status>"));

    StoreResult r = node("us-west-2").fence();

    assertThat(r).isInstanceOf(StoreResult.Applied.class);
    var seen = aws.seen();
    assertThat(seen)
        .allSatisfy(
            s -> assertThat(s.service() + "@" + s.region()).isEqualTo("elasticache@us-west-2"));
    assertThat(seen.get(2).params())
        .containsEntry("UserId", "summit-redis-us-west-2-app")
        .containsEntry("AccessString", "on ~* +@read");
    assertThat(aws.made)
        .isEqualTo(calls.of(Action.FENCE, PlanKind.FAILOVER, "us-west-2", "us-east-1"));
  }

  @Test
  void promoteFailsTheGlobalDatastoreOverToTheRegionAndWaits() {
    aws.query(
        "DescribeGlobalReplicationGroups",
        AwsStub.started(),
        AwsStub.started(),
        200,
        groups(member("us-west-2", "PRIMARY") + member("us-east-1", "SECONDARY")));
    aws.query(
        "FailoverGlobalReplicationGroup",
        AwsStub.started(),
        "failed-over",
        200,
        AwsStub.ok(
            "FailoverGlobalReplicationGroup",
            NS,
            "<GlobalReplicationGroup><GlobalReplicationGroupId>ldgnf-summit-redis</GlobalReplicationGroupId><Status>modifying</Status></GlobalReplicationGroup>"));
    aws.query(
        "DescribeGlobalReplicationGroups",
        "failed-over",
        "failed-over",
        200,
        groups(member("us-west-2", "SECONDARY") + member("us-east-1", "PRIMARY")));
    aws.query("DescribeUsers", 200, users("us-east-1", "on ~* +@all"));

    StoreResult r = node("us-east-1").promote();

    assertThat(r).isInstanceOf(StoreResult.Applied.class);
    var seen = aws.seen();
    assertThat(seen)
        .extracting(AwsStub.Seen::action)
        .containsExactly(
            "DescribeGlobalReplicationGroups",
            "FailoverGlobalReplicationGroup",
            "DescribeGlobalReplicationGroups",
            "DescribeUsers");
    assertThat(seen.get(1).params())
        .containsEntry("GlobalReplicationGroupId", "ldgnf-summit-redis")
        .containsEntry("PrimaryRegion", "us-east-1")
        .containsEntry("PrimaryReplicationGroupId", "summit-redis-us-east-1");
  }

  @Test
  void aRefusedFailoverDisassociatesTheSecondary() {
    aws.query(
        "DescribeGlobalReplicationGroups",
        AwsStub.started(),
        AwsStub.started(),
        200,
        groups(member("us-west-2", "PRIMARY") + member("us-east-1", "SECONDARY")));
    aws.query(
        "FailoverGlobalReplicationGroup",
        400,
        AwsStub.error(
            NS, "InvalidGlobalReplicationGroupState", "The Global datastore is not available"));
    aws.query(
        "DisassociateGlobalReplicationGroup",
        AwsStub.started(),
        "alone",
        200,
        AwsStub.ok(
            "DisassociateGlobalReplicationGroup",
            NS,
            "<GlobalReplicationGroup><GlobalReplicationGroupId>ldgnf-summit-redis</GlobalReplicationGroupId><Status>modifying</Status></GlobalReplicationGroup>"));
    aws.query(
        "DescribeGlobalReplicationGroups",
        "alone",
        "alone",
        200,
        groups(member("us-west-2", "PRIMARY")));
    aws.query("DescribeUsers", 200, users("us-east-1", "on ~* +@all"));

    StoreResult r = node("us-east-1").promote();

    assertThat(r).isInstanceOf(StoreResult.Applied.class);
    assertThat(r.detail()).contains("InvalidGlobalReplicationGroupState").contains("disassociated");
    assertThat(aws.actions()).contains("DisassociateGlobalReplicationGroup");
    assertThat(calls.of(Action.PROMOTE, PlanKind.FAILOVER, "us-east-1", "us-west-2"))
        .containsAll(aws.made);
  }

  @Test
  void rejoinOfASecondaryIsAlreadyDone() {
    aws.query(
        "DescribeGlobalReplicationGroups",
        200,
        groups(member("us-west-2", "SECONDARY") + member("us-east-1", "PRIMARY")));
    assertThat(node("us-west-2").rejoin(new io.summit.dr.replication.Endpoint("x", 6379)))
        .isInstanceOf(StoreResult.AlreadyDone.class);
  }
}
