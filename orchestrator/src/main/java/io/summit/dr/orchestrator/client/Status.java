package io.summit.dr.orchestrator.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.orchestrator.plan.PlanStatus;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator's view ({@code GET /v1/status}).
 *
 * @param regions per region, what detection says (writer flag, failed flag, each observer's view);
 *     kept as JSON because its fields follow detection's
 * @param runningPlan the id of the plan running now, if any
 * @param lastPlan the most recent plan with its step timings, if any
 */
public record Status(
    @JsonProperty("writer_region") String writerRegion,
    Map<String, JsonNode> regions,
    List<StoreStatus> stores,
    @JsonProperty("running_plan") @Nullable String runningPlan,
    @JsonProperty("last_plan") @Nullable PlanStatus lastPlan) {

  public Status {
    regions = regions == null ? Map.of() : regions;
    stores = stores == null ? List.of() : List.copyOf(stores);
  }
}
