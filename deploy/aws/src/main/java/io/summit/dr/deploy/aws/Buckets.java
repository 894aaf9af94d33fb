package io.summit.dr.deploy.aws;

import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.ReplicationRule;
import software.amazon.awscdk.services.s3.ReplicationTimeValue;
import software.constructs.Construct;

/**
 * The one way this app makes an S3 bucket: versioned (replication needs it, and it protects against
 * accidental deletion), KMS-encrypted with the region's data key and S3 bucket keys, public access
 * blocked, TLS required, retained when the stack is deleted. A bucket given a {@link Target}
 * replicates every object and delete marker to it, re-encrypted with the target region's key, with
 * Replication Time Control (15 minutes) and replication metrics on.
 */
final class Buckets {
  private Buckets() {}

  /** The destination of a bucket's cross-region replication. */
  record Target(Bucket bucket, IKey key, String ruleId) {}

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
    if (target != null) {
      builder.replicationRules(
          List.of(
              ReplicationRule.builder()
                  .id(target.ruleId())
                  .priority(0)
                  .destination(target.bucket())
                  .kmsKey(target.key())
                  .sseKmsEncryptedObjects(true)
                  .deleteMarkerReplication(true)
                  .replicationTimeControl(ReplicationTimeValue.FIFTEEN_MINUTES)
                  .metrics(ReplicationTimeValue.FIFTEEN_MINUTES)
                  .build()));
    }
    return builder.build();
  }
}
