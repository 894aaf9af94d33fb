package io.summit.dr.orchestrator.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * One store node as {@code GET /v1/status} shows it.
 *
 * @param role {@code primary}, {@code replica}, {@code fenced}, ... or {@code unknown} while the
 *     orchestrator cannot reach the node
 * @param lagBytes the replica's lag in bytes (or operations), null when not known
 * @param lagSeconds the replica's lag in seconds, null when not known
 */
public record StoreStatus(
    String name,
    String kind,
    String region,
    String role,
    @JsonProperty("lag_bytes") @Nullable Long lagBytes,
    @JsonProperty("lag_seconds") @Nullable Double lagSeconds) {

  /** True when the node answered the orchestrator's last look. */
  public boolean reachable() {
    return !role.equals("unknown");
  }
}
