/**
 * The topology: one declarative description of regions, services, data stores, health and routing
 * policy, objectives and the failover plan. {@link io.summit.dr.topology.TopologyLoader} reads it
 * from YAML and reports every problem of a file at once; the records of this package are immutable
 * and validate themselves in their compact constructors, so a {@link
 * io.summit.dr.topology.Topology} that exists is a valid one.
 */
@NullMarked
package io.summit.dr.topology;

import org.jspecify.annotations.NullMarked;
