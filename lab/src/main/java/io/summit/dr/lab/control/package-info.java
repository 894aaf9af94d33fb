/**
 * The lab's wiring of the control plane: the lab's implementations of the orchestrator's {@code
 * Stores} and {@code Services} (its store adapters, WAN addresses and service clusters), the
 * orchestrator process as the lab starts it, and the extension that puts the observers, the edge
 * router and the orchestrator into {@code lab up}. The control plane itself knows nothing of the
 * lab.
 */
@NullMarked
package io.summit.dr.lab.control;

import org.jspecify.annotations.NullMarked;
