/** PostgreSQL streaming replication through pgjdbc, pg_rewind and pg_basebackup. */
@NullMarked
package io.summit.dr.replication.postgres;

import org.jspecify.annotations.NullMarked;
