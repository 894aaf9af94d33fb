package io.summit.dr.replication.objects;

/**
 * S3's replication status of one object version, as the replicator records it: {@code PENDING}
 * until copied, {@code COMPLETED} once the copy is in the destination, {@code FAILED} when it
 * cannot be copied (too large, destination bucket missing); {@code REPLICA} for a version that is
 * itself a copy (never replicated again); {@code SKIPPED} for a delete marker the rule does not
 * replicate, and for a version or delete marker of a data class that does not allow the destination
 * region (data residency). A {@code SKIPPED} version is settled: it is never pending again.
 */
public enum ReplicationStatus {
  PENDING,
  COMPLETED,
  FAILED,
  REPLICA,
  SKIPPED;

  /** Whether the replicator is done with a version in this status. */
  public boolean settled() {
    return this != PENDING;
  }
}
