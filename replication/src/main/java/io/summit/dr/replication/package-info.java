/**
 * Store adapters: one per data store kind, each able to {@linkplain
 * io.summit.dr.replication.StoreAdapter#observe() observe} a store's role and replication lag and
 * to promote, fence and rejoin it. Every operation is idempotent, judged by the observed end state.
 */
@NullMarked
package io.summit.dr.replication;

import org.jspecify.annotations.NullMarked;
