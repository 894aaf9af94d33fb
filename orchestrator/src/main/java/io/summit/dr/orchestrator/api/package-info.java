/** The orchestrator HTTP API: status, plans, events, audit log, metrics. */
@NullMarked
package io.summit.dr.orchestrator.api;

import org.jspecify.annotations.NullMarked;
