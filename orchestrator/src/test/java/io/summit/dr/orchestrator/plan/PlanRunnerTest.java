package io.summit.dr.orchestrator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Findings 4 and 5 of issue 12, at the runner: plans end, and end rolled back before promote. */
class PlanRunnerTest {
  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private final List<String> executed = new CopyOnWriteArrayList<>();

  private static Plan plan(String id, List<StepSpec> steps) {
    return new Plan(
        id, PlanKind.FAILOVER, "us-west-2", "us-east-1", false, "test", steps, Instant.now());
  }

  private static List<StepSpec> failoverSteps() {
    Duration t = Duration.ofSeconds(2);
    return List.of(
        StepSpec.of(Action.STOP_WRITES, "us-west-2", null, t),
        StepSpec.of(Action.FENCE, "us-west-2", "postgres", t),
        StepSpec.of(Action.CHECK_RPO, "us-east-1", "postgres", t),
        StepSpec.of(Action.PROMOTE, "us-east-1", "postgres", t));
  }

  private PlanStatus awaitEnd(PlanRunner runner, String id) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> runner.plan(id).orElseThrow(), p -> p.endedAt() != null);
  }

  @Test
  void aStoppedRunnerInterruptsItsRunningStepAndNeitherRollsBackNorEndsThePlan() throws Exception {
    java.util.concurrent.CountDownLatch fencing = new java.util.concurrent.CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    StepExecutor exec =
        (plan, step) -> {
          executed.add(step.id());
          if (step.action() == Action.FENCE) {
            fencing.countDown();
            try {
              Thread.sleep(60_000); // a rewind, say
            } catch (InterruptedException e) {
              interrupted.set(true);
              Thread.currentThread().interrupt();
              return new StepResult.Retry(step.id() + ": interrupted");
            }
          }
          return new StepResult.Applied(step.id());
        };
    Duration t = Duration.ofSeconds(30);
    List<StepSpec> steps =
        List.of(
            StepSpec.of(Action.STOP_WRITES, "us-west-2", null, t),
            StepSpec.of(Action.FENCE, "us-west-2", "postgres", t), // 2 retries
            StepSpec.of(Action.PROMOTE, "us-east-1", "postgres", t));
    try (FileJournal journal = FileJournal.open(dir.resolve("j.jsonl"))) {
      PlanRunner runner = new PlanRunner(journal, exec, clock, p -> {});
      runner.submit(plan("p9", steps));
      assertThat(fencing.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      runner.stop();

      await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
      // no retry of the fence, no promotion, no rollback step (it would unfence and route back)
      await()
          .during(Duration.ofMillis(800))
          .atMost(Duration.ofSeconds(3))
          .until(() -> executed.size() == 2);
      assertThat(executed).containsExactly(steps.get(0).id(), steps.get(1).id());
      assertThat(runner.plan("p9").orElseThrow().endedAt())
          .as("the plan's end is left to the leader that resumes it")
          .isNull();
    }
  }

  @Test
  void aStepThatThrowsEndsFatalAndThePlanEnds() {
    StepExecutor throwing =
        (plan, step) -> {
          throw new IllegalStateException("bug in " + step.id());
        };
    try (FileJournal journal = FileJournal.open(dir.resolve("j.jsonl"))) {
      PlanRunner runner = new PlanRunner(journal, throwing, clock, p -> {});
      runner.submit(
          plan(
              "p1", List.of(StepSpec.of(Action.VERIFY, "us-east-1", null, Duration.ofSeconds(1)))));

      PlanStatus end = awaitEnd(runner, "p1");

      assertThat(end.state()).isEqualTo("failed");
      assertThat(end.steps().get(0).outcome()).isEqualTo("fatal");
      assertThat(runner.running()).isEmpty();
    }
  }

  @Test
  void aJournalThatRefusesAppendsEndsTheStepFatalAndThePlanEnds() {
    AtomicBoolean diskFull = new AtomicBoolean();
    try (FileJournal file = FileJournal.open(dir.resolve("j.jsonl"))) {
      Journal journal =
          new Journal() {
            @Override
            public void append(JournalEntry entry) {
              if (diskFull.get()) {
                throw new JournalException("j.jsonl: No space left on device");
              }
              file.append(entry);
            }

            @Override
            public List<JournalEntry> read() {
              return file.read();
            }

            @Override
            public String describe() {
              return "test";
            }

            @Override
            public void close() {}
          };
      StepExecutor exec =
          (plan, step) -> {
            diskFull.set(true);
            return new StepResult.Applied(step.id());
          };
      PlanRunner runner = new PlanRunner(journal, exec, clock, p -> {});
      runner.submit(
          plan(
              "p2", List.of(StepSpec.of(Action.VERIFY, "us-east-1", null, Duration.ofSeconds(1)))));

      PlanStatus end = awaitEnd(runner, "p2");

      // The step's end could not be journaled: the plan does not claim success.
      assertThat(end.state()).isEqualTo("failed");
      assertThat(end.detail()).contains("No space left on device");
      assertThat(end.detail()).contains("plan end not journaled");
    }
  }

  @Test
  void planStoppedBeforePromoteIsRolledBackInReverseAndJournaled() {
    StepExecutor exec =
        (plan, step) -> {
          executed.add(step.id());
          return step.action() == Action.CHECK_RPO
              ? new StepResult.Fatal("lag unknown")
              : new StepResult.Applied(step.id());
        };
    try (FileJournal journal = FileJournal.open(dir.resolve("j.jsonl"))) {
      PlanRunner runner = new PlanRunner(journal, exec, clock, p -> {});
      runner.submit(plan("p3", failoverSteps()));

      PlanStatus end = awaitEnd(runner, "p3");

      assertThat(end.state()).isEqualTo("rolled-back");
      assertThat(executed)
          .containsExactly(
              "stop-writes",
              "fence/postgres",
              "check-rpo/postgres",
              "rollback/fence/postgres",
              "rollback/stop-writes");
      assertThat(end.steps())
          .filteredOn(s -> s.id().startsWith("rollback/"))
          .extracting(PlanStatus.StepStatus::action, PlanStatus.StepStatus::region)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("unfence", "us-west-2"),
              org.assertj.core.groups.Tuple.tuple("route-writes", "us-west-2"));
      assertThat(journal.read())
          .anySatisfy(e -> assertThat(e.step()).isEqualTo("rollback/fence/postgres"))
          .last()
          .satisfies(e -> assertThat(e.outcome()).isEqualTo("rolled-back"));
    }
  }

  @Test
  void aPlanThatFailsAfterPromoteStartedIsNotRolledBack() {
    StepExecutor exec =
        (plan, step) -> {
          executed.add(step.id());
          return step.action() == Action.PROMOTE
              ? new StepResult.Fatal("promote failed")
              : new StepResult.Applied(step.id());
        };
    try (FileJournal journal = FileJournal.open(dir.resolve("j.jsonl"))) {
      PlanRunner runner = new PlanRunner(journal, exec, clock, p -> {});
      runner.submit(plan("p4", failoverSteps()));

      assertThat(awaitEnd(runner, "p4").state()).isEqualTo("failed");
      assertThat(executed).noneMatch(id -> id.startsWith("rollback/"));
    }
  }
}
