package io.summit.dr.replication;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What one look at a store showed. Lag is that of a replica behind its primary, in bytes of WAL or
 * replication stream and in seconds; it is null for a primary, and when it could not be measured.
 * {@code position} is the last WAL position (PostgreSQL LSN) or replication offset (Redis) the
 * store has applied.
 */
public record StoreObservation(
    boolean reachable,
    StoreRole role,
    @Nullable Long lagBytes,
    @Nullable Double lagSeconds,
    @Nullable String position,
    @Nullable String detail,
    Instant observedAt) {

  public static StoreObservation unreachable(String why, Instant at) {
    return new StoreObservation(false, StoreRole.UNKNOWN, null, null, null, why, at);
  }
}
