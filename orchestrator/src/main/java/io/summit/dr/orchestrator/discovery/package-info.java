/**
 * Service discovery: the writer and reader endpoints of every store, with long-poll for changes.
 */
@NullMarked
package io.summit.dr.orchestrator.discovery;

import org.jspecify.annotations.NullMarked;
