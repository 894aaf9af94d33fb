package io.summit.dr.agent.zones;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one zone failover, as {@code GET /v1/agent} shows it under {@code zones}.
 *
 * @param store the store's id, e.g. {@code postgres@us-west-2}
 * @param writerZone the zone of the node the region endpoint targets
 * @param standbyZone the other zone
 * @param standbyState how the other zone's node follows the writer node
 * @param writerRole {@code primary} or {@code standby} at the writer node's last probe, {@code
 *     unreachable} when that probe failed, {@code unknown} before the first
 * @param lastFailover the last failover this agent did; null before the first
 * @param refusedBecause why the writer node's loss is not failed over, while it lasts; null
 *     otherwise
 * @param failovers how many failovers this agent did since it started
 * @param alerts what needs an operator now (a lost standby, a rejoin that cannot be done)
 */
public record ZoneStatus(
    String store,
    String writerZone,
    String standbyZone,
    StandbyState standbyState,
    String writerRole,
    @Nullable Failover lastFailover,
    @Nullable String refusedBecause,
    long failovers,
    List<String> alerts) {
  public ZoneStatus {
    alerts = List.copyOf(alerts);
  }

  /**
   * One failover.
   *
   * @param at when the endpoint was moved (ISO-8601, UTC)
   * @param tookMs from the writer node's first failed probe to the endpoint moved
   */
  public record Failover(String at, long tookMs, String fromZone, String toZone) {}

  /** How the standby zone's node follows the writer node. */
  public enum StandbyState {
    /** Streaming, and a synchronous standby of the writer. */
    SYNC,
    /** Streaming, not waited for by the writer's commits. */
    ASYNC,
    /** Answering, but not streaming from the writer (or a primary itself). */
    NOT_STREAMING,
    /** Failed the failure threshold of probes in a row. */
    LOST,
    /** Being rejoined to the writer node. */
    REJOINING;

    /** {@code sync}, {@code async}, {@code not-streaming}, {@code lost}, {@code rejoining}. */
    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
