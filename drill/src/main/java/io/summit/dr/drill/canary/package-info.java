/**
 * The canary client: sequence-numbered writes with unique keys and reads of known records, at set
 * rates, through the global entry point, each request recorded with its issue time, acknowledgement
 * time and outcome.
 */
@NullMarked
package io.summit.dr.drill.canary;

import org.jspecify.annotations.NullMarked;
