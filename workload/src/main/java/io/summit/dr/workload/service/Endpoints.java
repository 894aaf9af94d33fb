package io.summit.dr.workload.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.replication.Endpoint;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One version of the orchestrator's discovery document ({@code GET /v1/endpoints}): the writer
 * region and, per store, its writer address and each region's reader address.
 */
record Endpoints(long version, String writerRegion, long term, Map<String, StoreAddresses> stores) {
  record StoreAddresses(Endpoint writer, Map<String, Endpoint> readers) {}

  /**
   * Parses the document.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  static Endpoints parse(JsonNode doc) {
    if (!doc.path("version").canConvertToLong()) {
      throw new IllegalArgumentException("version: missing (expected: a number)");
    }
    String writer = doc.path("writer_region").asText("");
    if (writer.isEmpty()) {
      throw new IllegalArgumentException("writer_region: missing (expected: a region)");
    }
    Map<String, StoreAddresses> stores = new LinkedHashMap<>();
    doc.path("stores")
        .properties()
        .forEach(
            e -> {
              Map<String, Endpoint> readers = new LinkedHashMap<>();
              e.getValue()
                  .path("readers")
                  .properties()
                  .forEach(r -> readers.put(r.getKey(), Endpoint.parse(r.getValue().asText())));
              stores.put(
                  e.getKey(),
                  new StoreAddresses(
                      Endpoint.parse(e.getValue().path("writer").asText()), Map.copyOf(readers)));
            });
    // An orchestrator without terms (older) publishes none: term 0 passes every node's check.
    long term = doc.path("term").asLong(0);
    return new Endpoints(doc.get("version").asLong(), writer, term, Map.copyOf(stores));
  }
}
