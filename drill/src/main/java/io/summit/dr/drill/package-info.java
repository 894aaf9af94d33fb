/**
 * Drills: inject a failure into a running lab at T0, keep the canary running, check every
 * acknowledged write in every store, and compute the metrics of the design (write RTO, read
 * availability, RPO, split brain), written as a JSON and an HTML report.
 */
@NullMarked
package io.summit.dr.drill;

import org.jspecify.annotations.NullMarked;
