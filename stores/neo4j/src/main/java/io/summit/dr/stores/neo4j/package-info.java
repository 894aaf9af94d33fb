/**
 * The lab's Neo4j server: Neo4j Community (GPL-3.0) embedded in its own process, with change
 * capture into a durable outbox, a pulling applier on replicas, fencing, promotion, rejoin and
 * snapshots, all driven through a small admin HTTP API. Nothing outside this module links Neo4j.
 */
@NullMarked
package io.summit.dr.stores.neo4j;

import org.jspecify.annotations.NullMarked;
