/** Redis replication through Lettuce: INFO, REPLICAOF and min-replicas-to-write. */
@NullMarked
package io.summit.dr.replication.redis;

import org.jspecify.annotations.NullMarked;
