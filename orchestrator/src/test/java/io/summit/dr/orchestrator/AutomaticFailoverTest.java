package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.summit.dr.orchestrator.plan.PlanStatus;
import io.summit.dr.replication.StoreRole;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the orchestrator does when detection declares a region failed (examples/lab.yaml: automatic
 * trigger, 30 s cooldown, 500 ms RPO budgets), on store nodes a test controls.
 */
class AutomaticFailoverTest {
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";
  private static final List<String> QUORUM = List.of("orchestrator", "observer-us-east-1");

  @TempDir Path state;
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-11-30T12:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  private final FakeStores stores = new FakeStores(clock);
  private Orchestrator orchestrator;

  @BeforeEach
  void start() {
    Topology lab = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));
    for (String store : List.of("postgres", "redis")) {
      stores.node(store, WEST).role = StoreRole.PRIMARY;
      stores.node(store, EAST).role = StoreRole.REPLICA;
      stores.node(store, EAST).lagSeconds = 0.03;
    }
    orchestrator = new Orchestrator(lab, stores, null, null, state, clock);
    orchestrator.resume();
    orchestrator.superviseOnce(); // the lag monitor sees both replicas caught up
  }

  @AfterEach
  void stop() {
    orchestrator.close();
  }

  private void kill(String region) {
    stores.node("postgres", region).reachable = false;
    stores.node("redis", region).reachable = false;
  }

  private List<String> events() {
    return orchestrator.events().recent().stream().map(e -> e.type()).toList();
  }

  private PlanStatus awaitEnd() {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> orchestrator.plans().plans().get(orchestrator.plans().plans().size() - 1),
            p -> p.endedAt() != null);
  }

  @Test
  void aFailedWriterRegionFailsOverOnceAndAFlapWithinTheCooldownStartsNoSecondPlan() {
    kill(WEST);
    orchestrator.regionFailed(WEST, QUORUM);
    PlanStatus first = awaitEnd();

    assertThat(first.state()).as(first.toString()).isEqualTo("succeeded");
    assertThat(orchestrator.writerRegion()).isEqualTo(EAST);

    // us-west-2 returns and rejoins; then us-east-1 "fails" 10 s later: a flap, not a new plan.
    stores.node("postgres", WEST).reachable = true;
    stores.node("redis", WEST).reachable = true;
    stores.node("postgres", WEST).role = StoreRole.REPLICA;
    stores.node("redis", WEST).role = StoreRole.REPLICA;
    orchestrator.regionRecovered(WEST);
    orchestrator.superviseOnce();
    now.set(now.get().plusSeconds(10));
    orchestrator.regionFailed(EAST, QUORUM);

    assertThat(orchestrator.plans().plans()).hasSize(1);
    assertThat(events()).contains("failover-suppressed");
    assertThat(orchestrator.writerRegion()).isEqualTo(EAST);

    // Past the cooldown the same report starts a plan.
    now.set(now.get().plusSeconds(25));
    orchestrator.superviseOnce(); // supervision runs all along: it saw us-east-1 just before
    orchestrator.regionFailed(EAST, QUORUM);
    assertThat(awaitEnd().state()).isEqualTo("succeeded");
    assertThat(orchestrator.plans().plans()).hasSize(2);
    assertThat(orchestrator.writerRegion()).isEqualTo(WEST);
  }

  @Test
  void discoveryVersionsStartAtOneAgainAfterARestart_theyNeverGoBack() {
    // Finding 3: failover (v2), restart, failback must publish v3, not v2 again: an application
    // holding v2 ignores any version at or below it and would never move back.
    kill(WEST);
    orchestrator.regionFailed(WEST, QUORUM);
    assertThat(awaitEnd().state()).isEqualTo("succeeded");
    long afterFailover = orchestrator.discovery().snapshot().version();
    long term = orchestrator.discovery().snapshot().term();

    Topology lab = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));
    orchestrator.close();
    Orchestrator restarted = new Orchestrator(lab, stores, null, null, state, clock);
    orchestrator = restarted;

    assertThat(restarted.discovery().snapshot().version()).isEqualTo(afterFailover);
    assertThat(restarted.writerRegion()).isEqualTo(EAST);
    assertThat(restarted.discovery().snapshot().term()).isEqualTo(term).isEqualTo(2);
    restarted.discovery().publish(WEST, term + 1);
    assertThat(restarted.discovery().snapshot().version()).isEqualTo(afterFailover + 1);
  }

  @Test
  void anAutomaticFailoverOverTheRpoBudgetIsRefusedBeforeAnyStepChangesAnything() {
    stores.node("redis", EAST).lagSeconds = 2.0;
    orchestrator.superviseOnce();
    kill(WEST);
    stores.operations.clear();

    orchestrator.regionFailed(WEST, QUORUM);

    assertThat(orchestrator.plans().plans()).isEmpty();
    assertThat(stores.operations).isEmpty();
    assertThat(orchestrator.writerRegion()).isEqualTo(WEST);
    assertThat(orchestrator.events().recent())
        .filteredOn(e -> e.type().equals("failover-refused"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(String.valueOf(e.data().get("reason")))
                    .contains("redis@us-east-1: last known lag 2.000s")
                    .contains("> budget 500ms")
                    .contains("--force"));
  }

  @Test
  void aLagMeasuredBeforeTheOrchestratorLostSightOfThePrimaryLongBeforeItFailedIsUnknown() {
    // The chaos finding: the leader's view of us-west-2 (and the replication link) cut at +3 s,
    // us-west-2 killed at +7 s, detected at +8.5 s; the lag from before the cut must not vouch.
    orchestrator.superviseOnce(); // caught up, 0.03 s
    kill(WEST); // as the orchestrator sees it from here on
    for (int i = 0; i < 18; i++) { // 5.4 s
      now.set(now.get().plusMillis(300));
      orchestrator.superviseOnce();
    }
    stores.operations.clear();

    orchestrator.regionFailed(WEST, QUORUM);

    assertThat(orchestrator.plans().plans()).isEmpty();
    assertThat(stores.operations).isEmpty();
    assertThat(orchestrator.events().recent())
        .filteredOn(e -> e.type().equals("failover-refused"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(String.valueOf(e.data().get("reason")))
                    .contains(
                        "postgres@us-east-1: lag unknown: this orchestrator last saw the"
                            + " primary answer 5400ms before the failure, longer than 4500ms"));
  }

  @Test
  void aLagMeasuredJustBeforeTheRegionFailedStillVouchesADetectionTimeLater() {
    orchestrator.superviseOnce();
    kill(WEST);
    for (int i = 0; i < 10; i++) { // detection plus one slow supervision pass: 3 s
      now.set(now.get().plusMillis(300));
      orchestrator.superviseOnce();
    }

    orchestrator.regionFailed(WEST, QUORUM);

    assertThat(awaitEnd().state()).isEqualTo("succeeded");
    assertThat(orchestrator.writerRegion()).isEqualTo(EAST);
  }

  @Test
  void aLagMeasuredWhileANodeWasAReplicaDoesNotVouchForItOnceItIsAPrimaryOrFenced() {
    // us-east-1 measured caught up; then it is seen fenced (say, an old primary after a failback).
    stores.node("postgres", EAST).role = StoreRole.FENCED;
    orchestrator.superviseOnce();
    kill(WEST);

    orchestrator.regionFailed(WEST, QUORUM);

    assertThat(orchestrator.plans().plans()).isEmpty();
    assertThat(events()).contains("failover-refused");
  }

  @Test
  void rpoGuardRefusesAStaleLagAfterALongPartition() {
    // The link went silent 5 s ago: PostgreSQL still shows the replica's last report (30 ms lag,
    // row still "streaming") until wal_sender_timeout; then the primary dies.
    stores.node("postgres", EAST).lagAge = Duration.ofSeconds(5);
    orchestrator.superviseOnce();
    kill(WEST);
    stores.operations.clear();

    orchestrator.regionFailed(WEST, QUORUM);

    assertThat(orchestrator.plans().plans()).isEmpty();
    assertThat(stores.operations).isEmpty();
    assertThat(refusal())
        .contains("postgres@us-east-1: lag unknown")
        .contains("5s old")
        .contains("older than 900ms (probe_interval x failure_threshold)");
  }

  @Test
  void rpoGuardRefusesAReplicaThatStoppedStreamingEvenWithAnEarlierGoodLag() {
    // Caught up at start (the BeforeEach pass); then the primary drops the replica's row.
    // Seen not streaming for failure_threshold (3) passes in a row: a silent link, not a blip.
    stores.node("redis", EAST).streaming = false;
    superviseTimes(3);
    kill(WEST);

    orchestrator.regionFailed(WEST, QUORUM);

    assertThat(orchestrator.plans().plans()).isEmpty();
    assertThat(refusal()).contains("redis@us-east-1: lag unknown: replica not streaming");
  }

  @Test
  void aReplicaUnreachableWhileItsPrimaryAnswersVoidsItsLastGoodLag() {
    stores.node("postgres", EAST).reachable = false;
    superviseTimes(3);
    stores.node("postgres", EAST).reachable = true;
    kill(WEST);

    orchestrator.regionFailed(WEST, QUORUM);

    assertThat(orchestrator.plans().plans()).isEmpty();
    assertThat(refusal()).contains("postgres@us-east-1: lag unknown: replica not reachable");
  }

  private void superviseTimes(int n) {
    for (int i = 0; i < n; i++) {
      orchestrator.superviseOnce();
    }
  }

  @Test
  void oneBlipOfAReplicaNotStreamingWhileItsPrimaryAnswersDoesNotRefuseAFailover() {
    // A loaded machine: one pass sees the replica not streaming, the next ones fine again would
    // restore it; here the primary dies right after the single blip.
    stores.node("redis", EAST).streaming = false;
    orchestrator.superviseOnce();
    stores.node("redis", EAST).streaming = true;
    kill(WEST);

    orchestrator.regionFailed(WEST, QUORUM);

    assertThat(awaitEnd().state()).isEqualTo("succeeded");
  }

  @Test
  void aPrimaryDyingWhileItsReplicaIsObservedKeepsTheLastGoodLag() {
    // The primary answers, then dies just as its replica is observed: the replica then says
    // "primary not reachable, not streaming", which is the outage, not a lag.
    for (String store : List.of("postgres", "redis")) {
      stores.node(store, EAST).onNextObserve =
          () -> {
            kill(WEST);
            stores.node(store, EAST).streaming = false;
          };
    }
    orchestrator.superviseOnce();

    orchestrator.regionFailed(WEST, QUORUM);

    assertThat(awaitEnd().state()).isEqualTo("succeeded");
    assertThat(orchestrator.writerRegion()).isEqualTo(EAST);
  }

  @Test
  void planStoppedBeforePromoteLeavesTheOldWriterWritable() {
    // Declared failed (say, cut from the observers) but its stores answer; fencing redis fails.
    stores.node("redis", WEST).fenceFails = true;

    orchestrator.regionFailed(WEST, QUORUM);
    PlanStatus end = awaitEnd();

    assertThat(end.state()).as(end.toString()).isEqualTo("rolled-back");
    assertThat(stores.node("postgres", WEST).role).isEqualTo(StoreRole.PRIMARY);
    assertThat(stores.node("postgres", EAST).role).isEqualTo(StoreRole.REPLICA);
    assertThat(stores.operations)
        .containsSubsequence("fence postgres@us-west-2", "unfence postgres@us-west-2")
        .noneMatch(op -> op.startsWith("promote"));
    assertThat(orchestrator.writerRegion()).isEqualTo(WEST);
    assertThat(events()).contains("plan-rolled-back");
  }

  @Test
  void manualFailoverPassesTheSamePreChecksAndForceIsRecorded() {
    // us-west-2 is alive and nobody declared it failed: a failover would lose its unsent writes.
    assertThatThrownBy(() -> orchestrator.failover(EAST, false, "alice"))
        .isInstanceOf(PreCheckRefusedException.class)
        .hasMessageContaining("us-west-2: not declared failed by a quorum of observers");
    assertThat(orchestrator.plans().plans()).isEmpty();
    assertThat(stores.operations).isEmpty();

    PlanStatus forced = orchestrator.failover(EAST, true, "alice");

    assertThat(forced.forced()).isTrue();
    assertThat(orchestrator.audit().entries())
        .last()
        .satisfies(e -> assertThat(e.toString()).contains("FORCED past: us-west-2: not declared"));
    assertThat(orchestrator.events().recent())
        .filteredOn(e -> e.type().equals("plan-started"))
        .singleElement()
        .satisfies(e -> assertThat(e.data()).containsKey("forced_past"));
    awaitEnd();
  }

  private String refusal() {
    return orchestrator.events().recent().stream()
        .filter(e -> e.type().equals("failover-refused"))
        .map(e -> String.valueOf(e.data().get("reason")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no failover-refused event in " + events()));
  }

  @Test
  void aResumedPlanWhoseGatePassedButWhosePromotionStartWasLostNeverUnfencesTheOldWriter() {
    // The first leader fenced us-west-2 and passed the gate (the writer record names its plan),
    // then crashed before its promotion's start entry was durable (journal entries travel while
    // the gate runs). The resumed plan then stops before its promotion: it must not roll back.
    orchestrator.close();
    String id = "failover-crashed-1";
    Topology lab = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));
    List<io.summit.dr.orchestrator.plan.StepSpec> steps = new PlanFactory(lab).failover(WEST, EAST);
    Instant at = now.get();
    try (var control = io.summit.dr.orchestrator.coordination.LocalControlStore.open(state)) {
      control.writer(io.summit.dr.orchestrator.coordination.WriterRecord.initial(WEST));
      control.advanceTerm(EAST, id);
      var journal = control.journal();
      journal.append(
          new io.summit.dr.orchestrator.plan.JournalEntry(
              id,
              "plan-start",
              at,
              null,
              null,
              null,
              io.summit.dr.orchestrator.plan.PlanKind.FAILOVER,
              WEST,
              EAST,
              false,
              "test",
              steps));
      for (String step : List.of("stop-writes", "fence/postgres", "fence/redis")) {
        for (String event : List.of("step-start", "step-end")) {
          journal.append(
              new io.summit.dr.orchestrator.plan.JournalEntry(
                  id,
                  event,
                  at,
                  step,
                  event.equals("step-end") ? "applied" : null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null));
        }
      }
    }
    for (String store : List.of("postgres", "redis")) {
      stores.node(store, WEST).role = StoreRole.FENCED;
      stores.node(store, EAST).lagAge = Duration.ofMinutes(5); // check-rpo will refuse
    }

    orchestrator = new Orchestrator(lab, stores, null, null, state, clock);
    orchestrator.resume();
    PlanStatus end = awaitEnd();

    assertThat(end.state()).as(end.toString()).isEqualTo("failed");
    assertThat(end.detail()).contains("rollback refused");
    assertThat(stores.operations).noneMatch(op -> op.startsWith("unfence"));
    assertThat(stores.node("postgres", WEST).role).isEqualTo(StoreRole.FENCED);
  }

  @Test
  void aSwitchoverWaitsForASlowFenceOfTheLiveOldPrimaryInsteadOfLeavingItToTheLease() {
    // 600 ms: past a failover's wait (the 250 ms probe timeout), within a planned handover's
    stores.node("postgres", WEST).fenceTakes = Duration.ofMillis(600);
    orchestrator.switchover(EAST, "test");
    PlanStatus plan = awaitEnd();

    assertThat(plan.state()).as(plan.toString()).isEqualTo("succeeded");
    PlanStatus.StepStatus fence =
        plan.steps().stream()
            .filter(st -> st.id().equals("fence/postgres"))
            .findFirst()
            .orElseThrow();
    assertThat(fence.outcome()).isEqualTo("applied");
    assertThat(fence.detail()).isEqualTo("postgres@us-west-2: FENCED"); // not "left to its agent"
  }
}
