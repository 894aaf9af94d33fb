package io.summit.dr.topology;

import java.util.regex.Pattern;

/**
 * An object store's buckets and its replication rule, with S3 Cross-Region Replication's meaning:
 * every new version under {@code prefix} is copied with its metadata; delete markers only when
 * {@code delete_marker_replication} is on; a delete of a version id never; replicas are not
 * replicated again (no chaining); changes made to replicas flow back only with {@code
 * replica_modifications} (replica modification sync, needed for two-way replication and failback).
 */
public record ObjectRule(
    @Doc("Bucket name in each region; {region} is replaced by the region's name.")
        @Default("summit-objects-{region}")
        String bucket,
    @Doc("Only keys under this prefix replicate (empty: every key).") @Default("''") String prefix,
    @Doc("Whether delete markers replicate (S3 DeleteMarkerReplication).") @Default("false")
        boolean deleteMarkerReplication,
    @Doc("Whether changes to replicas flow back (S3 ReplicaModifications).") @Default("false")
        boolean replicaModifications,
    @Doc("Largest object, in bytes, the service and the replicator accept.") @Default("1048576")
        int maxObjectBytes) {

  /** S3's bucket naming rule: 3 to 63 lowercase letters, digits, dots and hyphens. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** The prefix the replicator and the adapters keep their own objects under; never replicated. */
  public static final String RESERVED_PREFIX = ".summit/";

  public ObjectRule {
    Violations v = new Violations();
    String sample = bucket.replace("{region}", "us-east-1");
    v.check(
        BUCKET.matcher(sample).matches(),
        "bucket",
        "'" + bucket + "'",
        "3 to 63 lowercase letters, digits, dots and hyphens ({region} allowed)");
    v.check(
        !prefix.startsWith(RESERVED_PREFIX),
        "prefix",
        "'" + prefix + "' is reserved",
        "a prefix outside " + RESERVED_PREFIX);
    v.between("max_object_bytes", maxObjectBytes, 1, 1024 * 1024 * 1024);
    v.throwIfAny();
  }

  /** The bucket of {@code region}. */
  public String bucket(String region) {
    return bucket.replace("{region}", region);
  }
}
