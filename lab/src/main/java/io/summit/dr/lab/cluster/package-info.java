/**
 * A region's service cluster, the lab's stand-in for its Kubernetes cluster: it runs the service's
 * instances as processes, keeps their count between the autoscaling bounds by CPU load (the HPA
 * rule), registers the ready ones with the edge router (the load balancer controller's job), and
 * lets the orchestrator raise its floor on failover.
 */
@NullMarked
package io.summit.dr.lab.cluster;

import org.jspecify.annotations.NullMarked;
