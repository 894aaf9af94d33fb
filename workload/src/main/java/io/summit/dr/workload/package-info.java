/**
 * The sample service that stands in for the Summit API ({@code service}): writes to every store of
 * the writer region under the writer term discovery gives it, reads locally. It knows nothing of
 * the lab; the lab runs it in its regions' service clusters ({@code io.summit.dr.lab.cluster}), and
 * its tests, which start real servers with the lab's process tooling, live in the lab module.
 */
@NullMarked
package io.summit.dr.workload;

import org.jspecify.annotations.NullMarked;
