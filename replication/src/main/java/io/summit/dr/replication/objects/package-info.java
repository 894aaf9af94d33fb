/**
 * Object storage: a versioned bucket per region, replicated with S3 Cross-Region Replication's
 * rules by {@link io.summit.dr.replication.objects.ObjectReplicator}, supervised by {@link
 * io.summit.dr.replication.objects.ObjectsAdapter}. Every access goes through the AWS SDK v2 {@code
 * S3Client}.
 */
@NullMarked
package io.summit.dr.replication.objects;

import org.jspecify.annotations.NullMarked;
