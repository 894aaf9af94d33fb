package io.summit.dr.orchestrator.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The mutable progress of one plan, kept by the runner; {@link #snapshot()} is what others see. */
final class PlanProgress {
  private record StepState(
      String state, @Nullable Instant start, @Nullable Instant end, @Nullable StepResult result) {}

  private final Plan plan;
  private final Instant startedAt;
  private final Map<String, StepState> steps = new LinkedHashMap<>();
  private final List<StepSpec> undo = new ArrayList<>();
  private String state = "running";
  private @Nullable Instant endedAt;
  private @Nullable String detail;

  PlanProgress(Plan plan, Instant startedAt) {
    this.plan = plan;
    this.startedAt = startedAt;
    plan.steps().forEach(s -> steps.put(s.id(), new StepState("pending", null, null, null)));
  }

  Plan plan() {
    return plan;
  }

  synchronized void started(String step, Instant at) {
    steps.put(step, new StepState("running", at, null, null));
  }

  synchronized void ended(String step, Instant at, StepResult r) {
    StepState s = steps.get(step);
    steps.put(
        step, new StepState(r.succeeded() ? "done" : "failed", s == null ? at : s.start(), at, r));
  }

  /** A step a resumed plan does not run again: it ended well before the restart. */
  synchronized void restored(String step, @Nullable Instant start, Instant end, StepResult r) {
    steps.put(step, new StepState("done", start, end, r));
  }

  /** Adds the steps that roll the plan back; they show after the plan's own. */
  synchronized void rollingBack(List<StepSpec> rollback) {
    undo.addAll(rollback);
    rollback.forEach(s -> steps.putIfAbsent(s.id(), new StepState("pending", null, null, null)));
  }

  /** Whether the journal shows a rollback that started (a resumed plan finishes it). */
  synchronized boolean wasRollingBack() {
    return steps.keySet().stream().anyMatch(id -> id.startsWith(Rollback.PREFIX));
  }

  /** Whether the step started (whatever its end): its effect may hold. */
  synchronized boolean touched(String step) {
    StepState s = steps.get(step);
    return s != null && !s.state().equals("pending");
  }

  synchronized boolean isDone(String step) {
    StepState s = steps.get(step);
    return s != null && s.state().equals("done");
  }

  synchronized void state(String newState, @Nullable String newDetail) {
    state = newState;
    detail = newDetail;
  }

  synchronized void finish(String finalState, String finalDetail, Instant at) {
    state = finalState;
    detail = finalDetail;
    endedAt = at;
  }

  synchronized boolean isFinished() {
    return endedAt != null;
  }

  synchronized PlanStatus snapshot() {
    List<PlanStatus.StepStatus> out = new ArrayList<>();
    List<StepSpec> all = new ArrayList<>(plan.steps());
    all.addAll(undo);
    for (StepSpec spec : all) {
      StepState s = steps.get(spec.id());
      StepResult r = s == null ? null : s.result();
      out.add(
          new PlanStatus.StepStatus(
              spec.id(),
              spec.action().wireName(),
              spec.region(),
              spec.store(),
              spec.group(),
              s == null ? "pending" : s.state(),
              seconds(s == null ? null : s.start()),
              seconds(s == null ? null : s.end()),
              r == null ? null : r.outcome(),
              r == null ? null : r.detail()));
    }
    return new PlanStatus(
        plan.id(),
        plan.kind(),
        plan.from(),
        plan.to(),
        plan.forced(),
        plan.requestedBy(),
        state,
        startedAt,
        endedAt,
        detail,
        out);
  }

  private @Nullable Double seconds(@Nullable Instant at) {
    return at == null ? null : Duration.between(startedAt, at).toNanos() / 1e9;
  }
}
