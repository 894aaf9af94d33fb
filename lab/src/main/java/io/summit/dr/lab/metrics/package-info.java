/** {@code /metrics} for the lab's own processes (service clusters, WAN daemon). */
@NullMarked
package io.summit.dr.lab.metrics;

import org.jspecify.annotations.NullMarked;
