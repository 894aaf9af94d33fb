package io.summit.dr.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.orchestrator.plan.PlanKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dry run of the example topology, pinned call by call in {@code
 * src/test/resources/runbook-*.txt} (a changed call must change the file: review it, then copy
 * {@code target/runbook-*.txt} over it).
 */
class RunbookTest {
  private static final AwsTargets TARGETS = AwsTargets.defaults(Fixtures.topology());

  private static Runbook of(PlanKind kind) {
    return kind == PlanKind.FAILBACK
        ? Runbook.of(TARGETS, kind, "us-east-1", "us-west-2")
        : Runbook.of(TARGETS, kind, "us-west-2", "us-east-1");
  }

  @ParameterizedTest
  @EnumSource(PlanKind.class)
  void theDryRunPrintsEveryCallOfTheExampleInOrder(PlanKind kind) throws IOException {
    String name = "runbook-" + kind.name().toLowerCase(Locale.ROOT) + ".txt";
    String actual = RunbookFormat.text(of(kind));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", name), actual);
    assertThat(actual).isEqualTo(Files.readString(Path.of("src/test/resources", name)));
  }

  @Test
  void failoverFencesTheOldPrimariesBeforeItPromotesAndRoutesWritesLast() {
    var calls = of(PlanKind.FAILOVER).calls().stream().map(AwsCall::action).toList();
    assertThat(calls.indexOf("ModifyDBParameterGroup"))
        .isLessThan(calls.indexOf("PromoteReadReplica"));
    assertThat(calls.indexOf("ModifyUser"))
        .isLessThan(calls.indexOf("FailoverGlobalReplicationGroup"));
    assertThat(calls.indexOf("PromoteReadReplica"))
        .isLessThan(calls.indexOf("ChangeResourceRecordSets"));
  }

  /** The IAM policies are derived from these: a call without resources would grant nothing. */
  @ParameterizedTest
  @EnumSource(PlanKind.class)
  void everyAwsCallNamesWhatIamAuthorisesItAgainst(PlanKind kind) {
    for (AwsCall c : of(kind).calls()) {
      if (c.iamAction().isPresent()) {
        assertThat(c.resources()).as(c.line()).isNotEmpty();
      } else {
        assertThat(c.resources()).as(c.line()).isEmpty();
      }
    }
  }

  @Test
  void theCallsResourcesAreTheArnsOfWhatTheyTouch() {
    Map<String, java.util.List<String>> byAction = new java.util.TreeMap<>();
    Runbook failback = of(PlanKind.FAILBACK);
    Runbook aurora =
        Runbook.of(
            TARGETS.withAurora(Set.of("postgres")), PlanKind.FAILOVER, "us-west-2", "us-east-1");
    for (Runbook r : java.util.List.of(failback, aurora, of(PlanKind.FAILOVER))) {
      r.calls().forEach(c -> byAction.putIfAbsent(c.service() + ":" + c.action(), c.resources()));
    }
    String acct = AwsTargets.PLACEHOLDER_ACCOUNT;
    assertThat(byAction)
        .containsEntry(
            "rds:CreateDBInstanceReadReplica",
            java.util.List.of(
                "arn:aws:rds:us-west-2:" + acct + ":db:summit-postgres-us-west-2",
                "arn:aws:rds:us-east-1:" + acct + ":db:summit-postgres-us-east-1",
                "arn:aws:rds:us-west-2:" + acct + ":pg:summit-postgres-us-west-2-params"))
        .containsEntry(
            "rds:FailoverGlobalCluster",
            java.util.List.of(
                "arn:aws:rds::" + acct + ":global-cluster:summit-postgres",
                "arn:aws:rds:us-east-1:" + acct + ":cluster:summit-postgres-us-east-1"))
        .containsEntry(
            "rds:ModifyDBClusterParameterGroup",
            java.util.List.of(
                "arn:aws:rds:us-west-2:" + acct + ":cluster-pg:summit-postgres-us-west-2-params"))
        .containsEntry(
            "elasticache:ModifyUser",
            java.util.List.of(
                "arn:aws:elasticache:us-east-1:" + acct + ":user:summit-redis-us-east-1-app"))
        .containsEntry(
            "elasticache:FailoverGlobalReplicationGroup",
            java.util.List.of(
                "arn:aws:elasticache::" + acct + ":globalreplicationgroup:*-summit-redis"))
        .containsEntry("elasticache:DescribeGlobalReplicationGroups", java.util.List.of("*"))
        .containsEntry("cloudwatch:GetMetricData", java.util.List.of("*"))
        .containsEntry("route53:GetChange", java.util.List.of("arn:aws:route53:::change/*"))
        .containsEntry(
            "s3:SubmitMultiRegionAccessPointRoutes",
            java.util.List.of("arn:aws:s3::" + acct + ":accesspoint/summit-objects"));
    assertThat(TARGETS.withHostedZoneId("Z123").hostedZoneArn())
        .isEqualTo("arn:aws:route53:::hostedzone/Z123");
  }

  @Test
  void switchoverPromotesNothingWithDataLossAndRejoinsTheOldPrimary() {
    Runbook r = of(PlanKind.SWITCHOVER);
    assertThat(r.calls())
        .extracting(AwsCall::action)
        .doesNotContain("DisassociateGlobalReplicationGroup", "FailoverGlobalCluster")
        .contains("CreateDBInstanceReadReplica");
  }

  @Test
  void auroraStoresSwitchOverOrFailOverTheGlobalCluster() {
    AwsTargets aurora = TARGETS.withAurora(Set.of("postgres"));
    assertThat(Runbook.of(aurora, PlanKind.FAILOVER, "us-west-2", "us-east-1").calls())
        .extracting(AwsCall::action)
        .contains("FailoverGlobalCluster")
        .doesNotContain("PromoteReadReplica");
    AwsCall s =
        Runbook.of(aurora, PlanKind.SWITCHOVER, "us-west-2", "us-east-1").calls().stream()
            .filter(c -> c.action().equals("SwitchoverGlobalCluster"))
            .findFirst()
            .orElseThrow();
    assertThat(s.params())
        .containsEntry("GlobalClusterIdentifier", "summit-postgres")
        .containsEntry(
            "TargetDbClusterIdentifier",
            "arn:aws:rds:us-east-1:111111111111:cluster:summit-postgres-us-east-1");
  }

  @Test
  void arcRoutingControlsReplaceTheRecordChange() {
    AwsTargets arc =
        TARGETS.withArc(
            new AwsTargets.ArcControls(
                Map.of(
                    "us-west-2",
                        "arn:aws:route53-recovery-control::111111111111:controlpanel/p/routingcontrol/west",
                    "us-east-1",
                        "arn:aws:route53-recovery-control::111111111111:controlpanel/p/routingcontrol/east"),
                Map.of("us-west-2", "https://host-aaaa.us-west-2.example.com/v1")));
    Runbook r = Runbook.of(arc, PlanKind.FAILOVER, "us-west-2", "us-east-1");
    assertThat(r.calls()).extracting(AwsCall::action).doesNotContain("ChangeResourceRecordSets");
    assertThat(r.iamActions())
        .contains(
            "route53-recovery-cluster:UpdateRoutingControlState",
            "route53-recovery-cluster:GetRoutingControlState");
  }

  @Test
  void badRegionsAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> Runbook.of(TARGETS, PlanKind.FAILOVER, "eu-west-1", "us-east-1"))
        .hasMessageStartingWith("from: 'eu-west-1' is not a region of the topology");
    assertThatThrownBy(() -> Runbook.of(TARGETS, PlanKind.SWITCHOVER, "us-west-2", "us-west-2"))
        .hasMessageStartingWith("to: 'us-west-2' is the failed region");
  }

  @Test
  void jsonHasEveryCallWithItsIamAction() {
    String json = RunbookFormat.json(of(PlanKind.FAILOVER));
    assertThat(json)
        .contains("\"iam_action\" : \"rds:PromoteReadReplica\"")
        .contains("\"dry_run\" : true");
  }
}
