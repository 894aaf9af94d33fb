package io.summit.dr.orchestrator.plan;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a plan's own code once against nothing, so that the first real plan of a JVM does not pay
 * for it. The demo's first failover of a fresh orchestrator spent 0.30 s from the quorum's verdict
 * to the plan's start and 0.19 s more to its first step, against 8 and 7 ms for the same plan
 * minutes later in the same JVM (docs/control-plane.md, "The cold run's extra second"): classes
 * loaded, lambdas and string concatenations linked, Failsafe's timeout scheduler started, all on a
 * busy machine. Here a runner of its own runs the plan with an executor that changes nothing and a
 * journal in memory, each entry encoded by the real journal ({@link Journal#prepare}) and none
 * written; gated steps run ungated (nobody approves a warm-up).
 */
public final class WarmUp {
  /** The longest a warm-up waits for its plan to end. */
  static final Duration LIMIT = Duration.ofSeconds(10);

  private WarmUp() {}

  /**
   * Runs {@code plan}'s steps dry, under an id of the warm-up's own, and returns how long it took.
   *
   * @param encoder the journal whose encoding of each entry is made ready; nothing is written to it
   * @throws IllegalStateException when the plan did not end within {@link #LIMIT}
   */
  public static Duration run(Plan plan, Journal encoder, Clock clock) {
    List<JournalEntry> kept = Collections.synchronizedList(new ArrayList<>());
    Journal memory =
        new Journal() {
          @Override
          public void append(JournalEntry entry) {
            encoder.prepare(entry);
            kept.add(entry);
          }

          @Override
          public List<JournalEntry> read() {
            synchronized (kept) {
              return List.copyOf(kept);
            }
          }

          @Override
          public String describe() {
            return "warm-up journal (in memory)";
          }

          @Override
          public void close() {}
        };
    List<StepSpec> ungated =
        plan.steps().stream()
            .map(
                s ->
                    new StepSpec(
                        s.id(),
                        s.action(),
                        s.region(),
                        s.store(),
                        s.group(),
                        false,
                        s.timeout(),
                        s.retries()))
            .toList();
    PlanRunner runner =
        new PlanRunner(
            memory, (p, s) -> new StepResult.Applied("warm-up: nothing done"), clock, p -> {});
    // its id from the dry runner's own sequence: the real runner's next plan keeps its number
    Plan dry =
        new Plan(
            "warm-up-" + runner.newId(plan.kind()),
            plan.kind(),
            plan.from(),
            plan.to(),
            plan.forced(),
            plan.requestedBy(),
            ungated,
            plan.createdAt());
    long t0 = System.nanoTime();
    runner.submit(dry);
    long deadline = t0 + LIMIT.toNanos();
    while (runner.plan(dry.id()).map(p -> p.endedAt() == null).orElse(true)) {
      if (System.nanoTime() > deadline) {
        runner.stop();
        throw new IllegalStateException(
            dry.id() + ": the warm-up plan did not end within " + LIMIT);
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
