/**
 * The one typed client of the orchestrator's HTTP API ({@link
 * io.summit.dr.orchestrator.api.ApiServer}): the CLI and the drills use it. It takes every
 * orchestrator replica's address and finds the leader itself: it asks the last replica that
 * answered first, follows a follower's redirect to the leader, and moves on to the next replica
 * when one does not answer or answers 503.
 */
@NullMarked
package io.summit.dr.orchestrator.client;

import org.jspecify.annotations.NullMarked;
