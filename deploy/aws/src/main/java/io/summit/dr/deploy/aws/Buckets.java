package io.summit.dr.deploy.aws;

import io.summit.dr.topology.DataClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.ReplicationRule;
import software.amazon.awscdk.services.s3.ReplicationTimeValue;
import software.constructs.Construct;

/**
 * The one way this app makes an S3 bucket: versioned (replication needs it, and it protects against
 * accidental deletion), KMS-encrypted with the region's data key and S3 bucket keys, public access
 * blocked, TLS required, retained when the stack is deleted. A bucket given a {@link Target}
 * replicates every object and delete marker to it, re-encrypted with the target region's key, with
 * Replication Time Control (15 minutes) and replication metrics on, except the objects of the data
 * classes the target's region does not allow ({@link ResidencyRules}).
 */
final class Buckets {
  private Buckets() {}

  /**
   * The destination of a bucket's cross-region replication, and the data classes the bucket holds
   * that the destination's region does not allow (their objects are not replicated).
   */
  record Target(Bucket bucket, IKey key, String ruleId, List<DataClass> withheld) {
    Target {
      withheld = List.copyOf(withheld);
    }

    Target(Bucket bucket, IKey key, String ruleId) {
      this(bucket, key, ruleId, List.of());
    }
  }

  static Bucket create(
      Construct scope, String id, @Nullable String name, IKey key, @Nullable Target target) {
    Bucket.Builder builder =
        Bucket.Builder.create(scope, id)
            .versioned(true)
            .encryption(BucketEncryption.KMS)
            .encryptionKey(key)
            .bucketKeyEnabled(true)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
            .enforceSsl(true)
            .removalPolicy(RemovalPolicy.RETAIN);
    if (name != null) {
      builder.bucketName(name);
    }
    if (target == null) {
      return builder.build();
    }
    ResidencyRules residency = new ResidencyRules(target.withheld());
    List<ReplicationRule> rules = new ArrayList<>();
    rules.add(everything(target));
    rules.addAll(residency.replicationRules(target));
    Bucket bucket = builder.replicationRules(rules).build();
    residency.disable((CfnBucket) Objects.requireNonNull(bucket.getNode().getDefaultChild()), 1);
    return bucket;
  }

  /** The catch-all rule: every object and delete marker, at the lowest priority. */
  private static ReplicationRule everything(Target target) {
    return ReplicationRule.builder()
        .id(target.ruleId())
        .priority(0)
        .destination(target.bucket())
        .kmsKey(target.key())
        .sseKmsEncryptedObjects(true)
        .deleteMarkerReplication(true)
        .replicationTimeControl(ReplicationTimeValue.FIFTEEN_MINUTES)
        .metrics(ReplicationTimeValue.FIFTEEN_MINUTES)
        .build();
  }
}
