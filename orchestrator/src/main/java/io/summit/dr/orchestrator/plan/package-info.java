/** Failover, switchover and failback plans: typed idempotent steps, a journal, approval gates. */
@NullMarked
package io.summit.dr.orchestrator.plan;

import org.jspecify.annotations.NullMarked;
