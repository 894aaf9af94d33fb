/**
 * The lab's notification receiver: where PagerDuty, Slack and a webhook would be, checking each
 * payload, so that the lab's operators are paged on their own machine ({@code summit-dr lab
 * pages}).
 */
@NullMarked
package io.summit.dr.lab.pager;

import org.jspecify.annotations.NullMarked;
