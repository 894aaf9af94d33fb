/**
 * Notifications: the orchestrator's events people act on (a region declared failed, a refused
 * failover, a plan waiting for an approval, a plan's result) sent to PagerDuty's Events API v2, a
 * Slack incoming webhook or any HTTP endpoint, in the background, with retries.
 */
@NullMarked
package io.summit.dr.orchestrator.notify;

import org.jspecify.annotations.NullMarked;
