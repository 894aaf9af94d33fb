package io.summit.dr.agent;

import io.summit.dr.agent.zones.ZoneStatus;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a region agent, as {@code GET /v1/agent} shows it.
 *
 * @param writerRegion the writer region last read from etcd; null before the first read
 * @param term the writer term of the lease held (or last held); null before the first lease
 * @param leaseId the lease held; null when none
 * @param lastRenewalAgeMillis time since the send of the last successful renewal (or grant) of the
 *     lease held; null when none
 * @param deadlineInMillis time left until the local deadline (negative once passed); null when no
 *     lease is held
 * @param fencedStores ids of the stores this agent fenced and has not unfenced
 * @param fences how many times the agent fenced itself since it started
 * @param lastLapseToFenceMillis at the last self-fence: from the send of the last successful
 *     renewal until every store was fenced (always below the TTL when the timing argument holds)
 * @param lastRegainToUnfenceMillis at the last regain: from the send of the new grant until every
 *     store it had fenced was unfenced
 * @param healthy false while its loops fail unexpectedly (they keep running)
 * @param zones the in-region (Multi-AZ) failovers of its region's stores, one per store with nodes
 *     in two zones that the agent watches; empty when none
 */
public record AgentStatus(
    String agent,
    String region,
    AgentState state,
    @Nullable String writerRegion,
    @Nullable Long term,
    @Nullable Long leaseId,
    @Nullable Long lastRenewalAgeMillis,
    @Nullable Long deadlineInMillis,
    long ttlMillis,
    long fenceBudgetMillis,
    List<String> fencedStores,
    long fences,
    @Nullable Long lastLapseToFenceMillis,
    @Nullable Long lastRegainToUnfenceMillis,
    boolean healthy,
    List<ZoneStatus> zones) {
  public AgentStatus {
    fencedStores = List.copyOf(fencedStores);
    zones = List.copyOf(zones);
  }

  /** A snapshot without zone failovers. */
  public AgentStatus(
      String agent,
      String region,
      AgentState state,
      @Nullable String writerRegion,
      @Nullable Long term,
      @Nullable Long leaseId,
      @Nullable Long lastRenewalAgeMillis,
      @Nullable Long deadlineInMillis,
      long ttlMillis,
      long fenceBudgetMillis,
      List<String> fencedStores,
      long fences,
      @Nullable Long lastLapseToFenceMillis,
      @Nullable Long lastRegainToUnfenceMillis,
      boolean healthy) {
    this(
        agent,
        region,
        state,
        writerRegion,
        term,
        leaseId,
        lastRenewalAgeMillis,
        deadlineInMillis,
        ttlMillis,
        fenceBudgetMillis,
        fencedStores,
        fences,
        lastLapseToFenceMillis,
        lastRegainToUnfenceMillis,
        healthy,
        List.of());
  }
}
