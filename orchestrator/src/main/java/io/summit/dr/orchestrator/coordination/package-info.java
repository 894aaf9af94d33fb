/**
 * Where the control plane keeps what must survive its own failures: the plan journal, the writer
 * region with its term, the discovery version, and the regions' write authority (the region agents'
 * leases). {@link io.summit.dr.orchestrator.coordination.ControlStore} is the contract; {@link
 * io.summit.dr.orchestrator.coordination.EtcdControlStore} keeps it in etcd for orchestrator
 * replicas that elect a leader ({@link io.summit.dr.orchestrator.coordination.Leadership}), {@link
 * io.summit.dr.orchestrator.coordination.LocalControlStore} in files for a single orchestrator. The
 * key layout is in docs/control-plane.md.
 */
@NullMarked
package io.summit.dr.orchestrator.coordination;

import org.jspecify.annotations.NullMarked;
