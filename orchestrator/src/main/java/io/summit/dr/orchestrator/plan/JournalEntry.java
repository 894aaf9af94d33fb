package io.summit.dr.orchestrator.plan;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One line of the plan journal. {@code event} is one of {@code plan-start} (with kind, regions,
 * forced, steps), {@code step-start}, {@code step-end} (with outcome and detail), {@code
 * approval-wait}, {@code approved}, {@code plan-end} (with outcome).
 */
public record JournalEntry(
    String plan,
    String event,
    Instant at,
    @Nullable String step,
    @Nullable String outcome,
    @Nullable String detail,
    @Nullable PlanKind kind,
    @Nullable String from,
    @Nullable String to,
    @Nullable Boolean forced,
    @Nullable String requestedBy,
    @Nullable List<StepSpec> steps) {

  /** The events a journal holds. */
  public static final Set<String> EVENTS =
      Set.of("plan-start", "step-start", "step-end", "approval-wait", "approved", "plan-end");

  /** Checks what each event needs, so that a damaged entry is refused when read back. */
  public JournalEntry {
    require(plan != null && !plan.isBlank(), "plan", "a plan id");
    require(event != null && EVENTS.contains(event), "event", "one of " + EVENTS);
    require(at != null, "at", "an ISO-8601 instant");
    if ("plan-start".equals(event)) {
      require(
          kind != null && from != null && to != null && steps != null,
          "plan-start",
          "kind, from, to and steps");
    } else if (!"plan-end".equals(event)) {
      require(step != null, event, "a step");
    }
    require(
        !("step-end".equals(event) || "plan-end".equals(event)) || outcome != null,
        event,
        "an outcome");
  }

  private static void require(boolean ok, String field, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(
          field + ": missing or invalid (expected: " + expected + ")");
    }
  }

  static JournalEntry planStart(Plan p, Instant at) {
    return new JournalEntry(
        p.id(),
        "plan-start",
        at,
        null,
        null,
        null,
        p.kind(),
        p.from(),
        p.to(),
        p.forced(),
        p.requestedBy(),
        p.steps());
  }

  static JournalEntry step(
      String plan, String event, Instant at, String step, @Nullable StepResult r) {
    return new JournalEntry(
        plan,
        event,
        at,
        step,
        r == null ? null : r.outcome(),
        r == null ? null : r.detail(),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  static JournalEntry planEnd(String plan, Instant at, String outcome, String detail) {
    return new JournalEntry(
        plan, "plan-end", at, null, outcome, detail, null, null, null, null, null, null);
  }
}
