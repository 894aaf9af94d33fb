/**
 * The region agent's in-region (Multi-AZ) failover of a PostgreSQL store: two nodes, one per zone,
 * behind a region endpoint the agent moves. {@link io.summit.dr.agent.zones.ZoneFailover} has the
 * rules; {@link io.summit.dr.agent.zones.ZoneStatus} is what {@code GET /v1/agent} shows of it.
 */
@NullMarked
package io.summit.dr.agent.zones;

import org.jspecify.annotations.NullMarked;
