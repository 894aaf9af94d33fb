package io.summit.dr.orchestrator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpTest {
  @Test
  void aDryPlanRunsEveryStepEncodesEveryEntryAndWritesNothingNorWaitsForAnApproval() {
    List<JournalEntry> prepared = Collections.synchronizedList(new ArrayList<>());
    Journal real =
        new Journal() {
          @Override
          public void append(JournalEntry entry) {
            throw new AssertionError("a warm-up wrote to the real journal: " + entry);
          }

          @Override
          public void prepare(JournalEntry entry) {
            prepared.add(entry);
          }

          @Override
          public List<JournalEntry> read() {
            return List.of();
          }

          @Override
          public String describe() {
            return "the real journal";
          }

          @Override
          public void close() {}
        };
    Duration t = Duration.ofSeconds(1);
    StepSpec gated =
        new StepSpec(
            "promote/postgres", Action.PROMOTE, "us-east-1", "postgres", "promote", true, t, 0);
    Plan plan =
        new Plan(
            "warm-up-failover-1",
            PlanKind.FAILOVER,
            "us-west-2",
            "us-east-1",
            false,
            "warm-up",
            List.of(
                StepSpec.of(Action.STOP_WRITES, "us-west-2", null, t),
                StepSpec.of(Action.FENCE, "us-west-2", "postgres", t),
                gated,
                StepSpec.of(Action.ROUTE_WRITES, "us-east-1", null, t)),
            java.time.Instant.now());

    Duration took = WarmUp.run(plan, real, Clock.systemUTC());

    assertThat(took).isLessThan(WarmUp.LIMIT);
    List<String> events;
    synchronized (prepared) {
      events = prepared.stream().map(e -> e.event() + " " + e.step()).toList();
    }
    assertThat(events)
        .as("every step ran dry, the gated one without an approval")
        .contains(
            "plan-start null",
            "step-end stop-writes",
            "step-end fence/postgres",
            "step-end promote/postgres",
            "step-end route-writes")
        .last()
        .asString()
        .startsWith("plan-end");
    assertThat(prepared).noneMatch(e -> e.event().startsWith("approval"));
  }
}
