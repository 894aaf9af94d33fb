/**
 * The workload that exercises a deployment: a stand-in for the Summit API ({@code service}), the
 * regions' service clusters with their autoscalers ({@code cluster}), the canary client that
 * measures it from the users' side ({@code canary}), and drills that inject a failure and report
 * RTO, RPO, read availability and split brain ({@code drill}).
 */
@NullMarked
package io.summit.dr.workload;

import org.jspecify.annotations.NullMarked;
