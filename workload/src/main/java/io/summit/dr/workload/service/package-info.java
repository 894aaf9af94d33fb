/**
 * The sample stateless service standing in for the Summit API: {@code POST /entities} writes a row
 * to PostgreSQL and a key to Redis in the writer region, {@code GET /entities/{id}} reads its own
 * region's copies; the writer endpoints come from the orchestrator's discovery endpoint and move
 * when it changes.
 */
@NullMarked
package io.summit.dr.workload.service;

import org.jspecify.annotations.NullMarked;
