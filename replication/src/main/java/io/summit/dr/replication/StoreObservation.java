package io.summit.dr.replication;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What one look at a store showed. Lag is that of a replica behind its primary, in bytes of WAL or
 * replication stream and in seconds; it is null for a primary, and when it could not be measured
 * (never 0 for "unknown"). {@code position} is the last WAL position (PostgreSQL LSN) or
 * replication offset (Redis) the store has applied.
 *
 * <p>{@code streaming}: the replica is connected to its primary and receiving, as both ends say
 * (PostgreSQL: a {@code pg_stat_replication} row in state streaming on the primary and {@code
 * pg_stat_wal_receiver} streaming on the replica; Redis: the link up and the primary listing the
 * replica online). {@code lagMeasuredAt}: when the lag figures were true, which is earlier than
 * {@code observedAt} when they come from the replica's last report (PostgreSQL's {@code reply_time}
 * on a link that went silent); null when no lag was measured. A lag is fresh only when it is
 * streaming and {@link #lagAge()} is small: see the orchestrator's RPO guard.
 */
public record StoreObservation(
    boolean reachable,
    StoreRole role,
    @Nullable Long lagBytes,
    @Nullable Double lagSeconds,
    @Nullable String position,
    @Nullable String detail,
    Instant observedAt,
    boolean streaming,
    @Nullable Instant lagMeasuredAt) {

  /**
   * An observation without freshness information: not streaming, lag time unknown, so an RPO guard
   * never trusts its lag. For primaries, fenced nodes and lookups that skip the lag.
   */
  public StoreObservation(
      boolean reachable,
      StoreRole role,
      @Nullable Long lagBytes,
      @Nullable Double lagSeconds,
      @Nullable String position,
      @Nullable String detail,
      Instant observedAt) {
    this(reachable, role, lagBytes, lagSeconds, position, detail, observedAt, false, null);
  }

  public static StoreObservation unreachable(String why, Instant at) {
    return new StoreObservation(false, StoreRole.UNKNOWN, null, null, null, why, at);
  }

  /** How old the lag figures were when observed; null when no lag was measured. */
  public @Nullable Duration lagAge() {
    return lagMeasuredAt == null ? null : Duration.between(lagMeasuredAt, observedAt);
  }

  /** This observation with the lag in seconds measured another way (see the lag monitor). */
  public StoreObservation withLagSeconds(double seconds, Instant measuredAt, String how) {
    String d = detail == null ? how : detail + "; " + how;
    return new StoreObservation(
        reachable, role, lagBytes, seconds, position, d, observedAt, streaming, measuredAt);
  }
}
