package io.summit.dr.stores.neo4j;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

/**
 * The sample service's graph: an {@code Entity} node per entity (key = its id, its JSON payload)
 * linked {@code IN_REGION} to its region's {@code Region} node, written in ordinary transactions
 * (captured, fenced, replicated like any client's).
 */
final class Entities {
  /**
   * No transaction of the admin API's waits longer than this for a lock (its callers give up after
   * 1 to 2 s): one that did would hold its own locks for nothing.
   */
  private static final Duration TX_TIMEOUT = Duration.ofSeconds(2);

  private final Graph graph;

  Entities(Graph graph) {
    this.graph = graph;
  }

  Map<String, Object> write(String id, String region, String payload) {
    if (id.isBlank() || id.contains("/")) {
      throw new IllegalArgumentException("id: '" + id + "' (expected: a non-empty id)");
    }
    try (Transaction tx = graph.db().beginTx(TX_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      tx.execute(
              "MERGE (r:Keyed {key: $rk}) SET r:Region, r.name = $region"
                  + " MERGE (e:Keyed {key: $id}) SET e:Entity, e.payload = $payload"
                  + " MERGE (e)-[:IN_REGION]->(r)",
              Map.of("rk", "region:" + region, "region", region, "id", id, "payload", payload))
          .close();
      tx.commit();
    }
    return Map.of("id", id, "region", region);
  }

  Map<String, Object> read(String id) {
    try (Transaction tx = graph.db().beginTx(TX_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Result r =
            tx.execute(
                "MATCH (e:Entity:Keyed {key: $id}) OPTIONAL MATCH (e)-[:IN_REGION]->(r:Region)"
                    + " RETURN e.payload AS payload, r.name AS region",
                Map.of("id", id))) {
      if (!r.hasNext()) {
        throw new EntityNotFoundException("entity: '" + id + "' is not in this region's graph");
      }
      Map<String, Object> row = r.next();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("id", id);
      out.put("payload", row.get("payload"));
      out.put("region", row.get("region"));
      return out;
    }
  }

  /** A marker write proving this node takes writes now. */
  Map<String, Object> marker() {
    String at = Instant.now().toString();
    try (Transaction tx = graph.db().beginTx(TX_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      tx.execute(
              "MERGE (m:Keyed {key: 'summit-dr-marker'}) SET m:Marker, m.at = $at",
              Map.of("at", at))
          .close();
      tx.commit();
    }
    return Map.of("written", at);
  }
}
