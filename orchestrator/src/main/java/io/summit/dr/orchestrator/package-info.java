/**
 * The orchestrator: detects a region failure by quorum, runs journaled failover plans, publishes
 * the writer endpoints, and drives planned switchover and failback.
 */
@NullMarked
package io.summit.dr.orchestrator;

import org.jspecify.annotations.NullMarked;
