package io.summit.dr.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.orchestrator.plan.Action;
import io.summit.dr.orchestrator.plan.PlanKind;
import io.summit.dr.replication.StoreObservation;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.StoreRole;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RdsInstanceTest {
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";
  private static final String PRIMARY = "summit-postgres-us-west-2";
  private static final String REPLICA = "summit-postgres-us-east-1";
  private static final String SOURCE = "arn:aws:rds:us-west-2:111111111111:db:" + PRIMARY;

  private final AwsStub aws = new AwsStub(Fixtures.targets());
  private final StoreCalls.Rds calls = new StoreCalls.Rds(aws.targets, "postgres");

  @AfterEach
  void close() {
    aws.close();
  }

  private RdsInstance node(String region) {
    return new RdsInstance(
        aws.context(), "postgres", region, region.equals(WEST) ? EAST : WEST, null);
  }

  private void primary(String group) {
    aws.query(
        "DescribeDBInstances",
        200,
        Fixtures.describeInstances(Fixtures.instance(PRIMARY, "available", "", group)));
  }

  @Test
  void fenceSetsReadOnlyInTheInstancesOwnParameterGroupAsTheRunbookSays() {
    primary(PRIMARY + "-params");
    aws.query("DescribeDBParameters", 200, Fixtures.parameters(""));
    aws.query("ModifyDBParameterGroup", 200, Fixtures.modified(PRIMARY + "-params"));

    StoreResult r = node(WEST).fence();

    assertThat(r).isInstanceOf(StoreResult.Applied.class);
    List<AwsStub.Seen> seen = aws.seen();
    assertThat(seen)
        .extracting(AwsStub.Seen::action)
        .containsExactly("DescribeDBInstances", "DescribeDBParameters", "ModifyDBParameterGroup");
    assertThat(seen)
        .allSatisfy(s -> assertThat(s.service() + "@" + s.region()).isEqualTo("rds@" + WEST));
    assertThat(seen.get(0).params()).containsEntry("DBInstanceIdentifier", PRIMARY);
    assertThat(seen.get(1).params())
        .containsEntry("DBParameterGroupName", PRIMARY + "-params")
        .containsEntry("Source", "user");
    assertThat(seen.get(2).params())
        .containsEntry("DBParameterGroupName", PRIMARY + "-params")
        .containsEntry("Parameters.Parameter.1.ParameterName", "default_transaction_read_only")
        .containsEntry("Parameters.Parameter.1.ParameterValue", "on")
        .containsEntry("Parameters.Parameter.1.ApplyMethod", "immediate");
    assertThat(aws.made).isEqualTo(calls.of(Action.FENCE, PlanKind.FAILOVER, WEST, EAST));
  }

  @Test
  void fenceIsAlreadyDoneWhenTheParameterIsOnAndChangesNothing() {
    primary(PRIMARY + "-params");
    aws.query("DescribeDBParameters", 200, Fixtures.parameters("on"));

    assertThat(node(WEST).fence()).isInstanceOf(StoreResult.AlreadyDone.class);
    assertThat(aws.actions()).doesNotContain("ModifyDBParameterGroup");
  }

  @Test
  void fenceRefusesAParameterGroupSharedWithTheReplica() {
    primary("default.postgres16");

    StoreResult r = node(WEST).fence();

    assertThat(r).isInstanceOf(StoreResult.Fatal.class);
    assertThat(r.detail())
        .contains("default.postgres16")
        .contains("expected: a parameter group of its own");
    assertThat(aws.actions()).containsExactly("DescribeDBInstances");
  }

  @Test
  void throttledDescribeIsRetriedAndTheFenceGoesOn() {
    aws.query(
        "DescribeDBInstances",
        AwsStub.started(),
        "throttled-once",
        400,
        AwsStub.error(AwsStub.RDS, "Throttling", "Rate exceeded"));
    aws.query(
        "DescribeDBInstances",
        "throttled-once",
        "throttled-once",
        200,
        Fixtures.describeInstances(
            Fixtures.instance(PRIMARY, "available", "", PRIMARY + "-params")));
    aws.query("DescribeDBParameters", 200, Fixtures.parameters("off"));
    aws.query("ModifyDBParameterGroup", 200, Fixtures.modified(PRIMARY + "-params"));

    assertThat(node(WEST).fence()).isInstanceOf(StoreResult.Applied.class);
    assertThat(aws.actions())
        .containsExactly(
            "DescribeDBInstances",
            "DescribeDBInstances",
            "DescribeDBParameters",
            "ModifyDBParameterGroup");
  }

  @Test
  void serverErrorsPastTheAttemptsComeBackAsRetryNotAsAnException() {
    aws.query("DescribeDBInstances", 503, AwsStub.error(AwsStub.RDS, "ServiceUnavailable", "down"));

    StoreResult r = node(WEST).fence();

    assertThat(r).isInstanceOf(StoreResult.Retry.class);
    assertThat(aws.actions()).hasSize(4).containsOnly("DescribeDBInstances");
  }

  @Test
  void promoteCallsPromoteReadReplicaAndWaitsUntilAvailableWithoutSource() {
    aws.query(
        "DescribeDBInstances",
        AwsStub.started(),
        AwsStub.started(),
        200,
        Fixtures.describeInstances(
            Fixtures.instance(REPLICA, "available", SOURCE, REPLICA + "-params")));
    aws.query(
        "PromoteReadReplica",
        AwsStub.started(),
        "promoting",
        200,
        AwsStub.ok(
            "PromoteReadReplica",
            AwsStub.RDS,
            Fixtures.instance(REPLICA, "modifying", SOURCE, REPLICA + "-params")));
    aws.query(
        "DescribeDBInstances",
        "promoting",
        "promoted",
        200,
        Fixtures.describeInstances(
            Fixtures.instance(REPLICA, "modifying", "", REPLICA + "-params")));
    aws.query(
        "DescribeDBInstances",
        "promoted",
        "promoted",
        200,
        Fixtures.describeInstances(
            Fixtures.instance(REPLICA, "available", "", REPLICA + "-params")));
    aws.query("DescribeDBParameters", 200, Fixtures.parameters("off"));

    StoreResult r = node(EAST).promote();

    assertThat(r).isInstanceOf(StoreResult.Applied.class);
    assertThat(r.detail()).contains("promoted");
    assertThat(aws.actions())
        .containsExactly(
            "DescribeDBInstances",
            "PromoteReadReplica",
            "DescribeDBInstances",
            "DescribeDBInstances",
            "DescribeDBParameters");
    assertThat(aws.seen().get(1).params()).containsEntry("DBInstanceIdentifier", REPLICA);
    assertThat(aws.seen()).allSatisfy(s -> assertThat(s.region()).isEqualTo(EAST));
    assertThat(calls.of(Action.PROMOTE, PlanKind.FAILOVER, EAST, WEST)).containsAll(aws.made);
  }

  @Test
  void promoteOfAnInstanceInAnInvalidStateIsRetryAndNotRepeatedByTheRunner() {
    aws.query(
        "DescribeDBInstances",
        200,
        Fixtures.describeInstances(
            Fixtures.instance(REPLICA, "available", SOURCE, REPLICA + "-params")));
    aws.query(
        "PromoteReadReplica",
        400,
        AwsStub.error(AwsStub.RDS, "InvalidDBInstanceState", "DB Instance is not a read replica."));

    StoreResult r = node(EAST).promote();

    assertThat(r).isInstanceOf(StoreResult.Retry.class);
    assertThat(r.detail()).contains("InvalidDBInstanceState").contains("promote");
    assertThat(aws.actions()).containsExactly("DescribeDBInstances", "PromoteReadReplica");
  }

  @Test
  void promoteOfAPrimaryIsAlreadyDone() {
    aws.query(
        "DescribeDBInstances",
        200,
        Fixtures.describeInstances(
            Fixtures.instance(REPLICA, "available", "", REPLICA + "-params")));
    aws.query("DescribeDBParameters", 200, Fixtures.parameters("off"));

    assertThat(node(EAST).promote()).isInstanceOf(StoreResult.AlreadyDone.class);
    assertThat(aws.actions()).doesNotContain("PromoteReadReplica", "ModifyDBParameterGroup");
  }

  @Test
  void observeReadsTheReplicaLagFromCloudWatchWithTheAgeOfItsDatapoint() {
    aws.query(
        "DescribeDBInstances",
        200,
        Fixtures.describeInstances(
            Fixtures.instance(REPLICA, "available", SOURCE, REPLICA + "-params")));
    aws.metric(3.0, AwsStub.NOW.minusSeconds(90));

    StoreObservation o = node(EAST).observe();

    assertThat(o.role()).isEqualTo(StoreRole.REPLICA);
    assertThat(o.lagSeconds()).isEqualTo(3.0);
    assertThat(o.lagAge()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.streaming()).isTrue();
    AwsStub.Seen cw = aws.seen().get(1);
    assertThat(cw.service() + "@" + cw.region()).isEqualTo("monitoring@" + EAST);
    var query = aws.metricRequests().get(0).path("MetricDataQueries").get(0).path("MetricStat");
    assertThat(query.path("Metric").path("MetricName").asText()).isEqualTo("ReplicaLag");
    assertThat(query.path("Metric").path("Namespace").asText()).isEqualTo("AWS/RDS");
    assertThat(query.path("Metric").path("Dimensions").get(0).path("Value").asText())
        .isEqualTo(REPLICA);
    assertThat(aws.made).isEqualTo(calls.of(Action.CHECK_RPO, PlanKind.FAILOVER, EAST, WEST));
  }

  @Test
  void anInstanceThatIsNotFoundIsUnreachable() {
    aws.query(
        "DescribeDBInstances",
        404,
        AwsStub.error(AwsStub.RDS, "DBInstanceNotFound", "DBInstance " + REPLICA + " not found."));

    StoreObservation o = node(EAST).observe();

    assertThat(o.reachable()).isFalse();
    assertThat(aws.actions()).containsExactly("DescribeDBInstances");
  }
}
