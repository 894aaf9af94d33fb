package io.summit.dr.orchestrator.coordination;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The writer region and its term: the term grows by one at every promotion, and a write carrying an
 * older term is refused where the store checks it. {@code plan} is the plan that set it (none for
 * the initial record), which makes advancing the term idempotent per plan.
 */
public record WriterRecord(
    @JsonProperty("region") String region,
    @JsonProperty("term") long term,
    @JsonProperty("plan") @Nullable String plan) {
  public WriterRecord {
    if (region.isBlank()) {
      throw new IllegalArgumentException("writer.region: blank (expected: a region name)");
    }
    if (term < 1) {
      throw new IllegalArgumentException("writer.term: " + term + " (expected: >= 1)");
    }
  }

  /** The record a new deployment starts with: the topology's primary, term 1. */
  public static WriterRecord initial(String primary) {
    return new WriterRecord(primary, 1, null);
  }

  /** The record after {@code plan} promoted {@code to}. */
  public WriterRecord next(String to, String byPlan) {
    return new WriterRecord(to, term + 1, byPlan);
  }
}
