/**
 * Failure detection: observers in each location report what they see of every region; a region is
 * declared failed only when a quorum of observers outside it agree for the failure threshold.
 */
@NullMarked
package io.summit.dr.orchestrator.detection;

import org.jspecify.annotations.NullMarked;
