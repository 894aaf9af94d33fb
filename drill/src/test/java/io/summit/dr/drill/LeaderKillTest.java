package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.summit.dr.lab.Fault;
import io.summit.dr.orchestrator.plan.JournalEntry;
import io.summit.dr.orchestrator.plan.PlanKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The leader kill's journal counting, on hand-written journals of one failover. */
class LeaderKillTest {
  private static final Instant T = Instant.parse("2026-12-01T12:00:00Z");
  private final List<String> killed = new CopyOnWriteArrayList<>();

  private LeaderKill armed(String step) {
    return new LeaderKill(
        step,
        "orchestrator-witness",
        name -> {
          killed.add(name);
          return new Fault("kill " + name, T.plusMillis(1003), List.of());
        });
  }

  private static JournalEntry e(
      String plan, String event, @Nullable String step, @Nullable String outcome, long ms) {
    return new JournalEntry(
        plan,
        event,
        T.plusMillis(ms),
        step,
        outcome,
        null,
        event.equals("plan-start") ? PlanKind.FAILOVER : null,
        event.equals("plan-start") ? "us-west-2" : null,
        event.equals("plan-start") ? "us-east-1" : null,
        null,
        null,
        event.equals("plan-start") ? List.of() : null);
  }

  @Test
  void aPromotionTheNextLeaderFindsDoneIsFineAndTheLeaderIsKilledAtItsStart() {
    LeaderKill k = armed("promote/postgres");
    k.onEntry(1, e("p1", "plan-start", null, null, 900));
    k.onEntry(2, e("p1", "step-start", "fence/postgres", null, 950));
    k.onEntry(3, e("p1", "step-end", "fence/postgres", "applied", 960));
    k.onEntry(4, e("p1", "step-start", "promote/postgres", null, 1000));
    await().atMost(Duration.ofSeconds(5)).until(() -> !killed.isEmpty());
    // the next leader runs the started step again and finds it done
    k.onEntry(5, e("p1", "step-start", "promote/postgres", null, 3500));
    k.onEntry(6, e("p1", "step-end", "promote/postgres", "already-done", 3510));
    k.onEntry(7, e("p1", "plan-end", null, "succeeded", 3600));

    await().atMost(Duration.ofSeconds(5)).until(() -> k.result().killed() != null);
    LeaderKill.Result r = k.result();
    assertThat(killed).containsExactly("orchestrator-witness");
    assertThat(r.killedAfterStepStartMs()).isEqualTo(3.0);
    assertThat(r.planEnd()).isEqualTo("succeeded");
    LeaderKill.StepCount promote =
        java.util.Objects.requireNonNull(r.steps().get("promote/postgres"));
    assertThat(promote.starts()).isEqualTo(2);
    assertThat(promote.ended("already-done")).isEqualTo(1);
    assertThat(r.problems()).isEmpty();
    assertThat(Drill.describe(r)).contains("promote/postgres started 2x").endsWith("; OK");
  }

  @Test
  void anEndedStepStartedAgainATwiceAppliedPromotionAndNoEndAreProblems() {
    LeaderKill k = armed("stop-writes");
    k.onEntry(1, e("old", "step-start", "verify", null, 10)); // a plan from before arming
    k.onEntry(2, e("p2", "plan-start", null, null, 900));
    k.onEntry(3, e("p2", "step-start", "stop-writes", null, 910));
    k.onEntry(4, e("p2", "step-end", "stop-writes", "applied", 920));
    k.onEntry(5, e("p2", "step-start", "promote/redis", null, 930));
    k.onEntry(6, e("p2", "step-end", "promote/redis", "applied", 940));
    k.onEntry(7, e("p2", "step-start", "stop-writes", null, 3000));
    k.onEntry(8, e("p2", "step-start", "promote/redis", null, 3010));
    k.onEntry(9, e("p2", "step-end", "promote/redis", "applied", 3020));

    await().atMost(Duration.ofSeconds(5)).until(() -> k.result().killed() != null);
    LeaderKill.Result r = k.result();
    assertThat(killed).containsExactly("orchestrator-witness"); // once, at the first start
    assertThat(r.problems())
        .containsExactly(
            "step stop-writes started again after it had ended",
            "step promote/redis started again after it had ended",
            "promote/redis applied 2 times",
            "no plan end journaled");
    assertThat(Drill.describe(r)).contains("PROBLEMS");
  }

  @Test
  void entriesCountedInJournalOrderWhateverOrderTheWatchDeliversThemIn() {
    LeaderKill k = armed("stop-writes");
    // etcd committed the pipelined entries out of order: the step's end, then its start, then
    // the plan's start
    k.onEntry(3, e("p4", "step-end", "stop-writes", "applied", 905));
    k.onEntry(2, e("p4", "step-start", "stop-writes", null, 901));
    k.onEntry(1, e("p4", "plan-start", null, null, 900));
    k.onEntry(4, e("p4", "plan-end", null, "succeeded", 2000));

    await().atMost(Duration.ofSeconds(5)).until(() -> k.result().killed() != null);
    LeaderKill.Result r = k.result();
    assertThat(r.problems()).isEmpty();
    assertThat(r.planEnd()).isEqualTo("succeeded");
    assertThat(java.util.Objects.requireNonNull(r.steps().get("stop-writes")).starts()).isOne();
  }

  @Test
  void aStepNotInTheFailoverPlanOrAnotherScenarioIsRefusedNamingTheOption() {
    io.summit.dr.topology.Topology lab =
        io.summit.dr.topology.TopologyLoader.load(
            java.nio.file.Path.of("..", "examples", "lab.yaml"));
    Drill.requireFailoverStep(lab, "promote/postgres"); // a step: accepted
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Drill.requireFailoverStep(lab, "promote/mysql"))
        .hasMessageStartingWith("--kill-leader-at: 'promote/mysql' is not a failover step")
        .hasMessageContaining("promote/postgres");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Drill.Options.defaults(Scenario.SWITCHOVER).withKillLeaderAt("stop-writes"))
        .hasMessage(
            "--kill-leader-at: not with --scenario switchover (expected: --scenario"
                + " region-failure)");
  }

  @Test
  void aStepThatNeverStartsKillsNobodyAndSaysSo() {
    LeaderKill k = armed("verify");
    k.onEntry(1, e("p3", "plan-start", null, null, 900));
    k.onEntry(2, e("p3", "plan-end", null, "failed", 1000));
    assertThat(killed).isEmpty();
    assertThat(k.result().problems())
        .containsExactly("step verify never started: the leader was not killed");
  }

  @Test
  void theReportGivesTheKillsTimeAfterT0AndHowLongUntilWritesWereRouted() {
    LeaderKill.Result r =
        new LeaderKill.Result(
            "fence/postgres",
            "orchestrator-witness",
            120.0,
            T.plusMillis(1500),
            "succeeded",
            java.util.Map.of(),
            List.of());
    List<DrillResult.Step> steps =
        List.of(
            new DrillResult.Step(
                "route-writes", "route-writes", "us-east-1", 4.1, 4.25, "x", null));
    var o = DrillReport.leaderKill(r, T, steps);
    assertThat(o.get("killed_at_s").asDouble()).isEqualTo(1.5);
    assertThat(o.get("kill_to_writes_routed_s").asDouble()).isEqualTo(2.75);
    // Writes routed before the kill: the takeover did not delay them.
    List<DrillResult.Step> early =
        List.of(
            new DrillResult.Step("route-writes", "route-writes", "us-east-1", 1.2, 1.3, "x", null));
    assertThat(DrillReport.leaderKill(r, T, early).get("kill_to_writes_routed_s").isNull())
        .isTrue();
  }
}
