/**
 * The Neo4j store adapter: talks to the Summit DR Neo4j server (module {@code stores/neo4j}) over
 * its admin HTTP API, so this module links no Neo4j code.
 */
@NullMarked
package io.summit.dr.replication.neo4j;

import org.jspecify.annotations.NullMarked;
