package io.summit.dr.orchestrator.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A plan's progress, as the API shows it: its state and every step's timing and outcome. */
public record PlanStatus(
    String id,
    PlanKind kind,
    String from,
    String to,
    boolean forced,
    @JsonProperty("requested_by") String requestedBy,
    String state,
    @JsonProperty("started_at") Instant startedAt,
    @JsonProperty("ended_at") @Nullable Instant endedAt,
    @Nullable String detail,
    List<StepStatus> steps) {

  /** One step: when it started and ended (seconds from the plan's start) and how. */
  public record StepStatus(
      String id,
      String action,
      String region,
      @Nullable String store,
      @Nullable String group,
      String state,
      @JsonProperty("start_s") @Nullable Double startS,
      @JsonProperty("end_s") @Nullable Double endS,
      @Nullable String outcome,
      @Nullable String detail) {}
}
