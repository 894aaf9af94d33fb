package io.summit.dr.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The value of the {@code writer} key: the region whose primaries take writes, and the writer term
 * (+1 at every promotion).
 */
public record Writer(String region, long term) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Writer {
    if (region.isBlank()) {
      throw new IllegalArgumentException("writer.region: '' (expected: a region name)");
    }
    if (term < 1) {
      throw new IllegalArgumentException("writer.term: " + term + " (expected: >= 1)");
    }
  }

  /**
   * Parses {@code {"region":"us-west-2","term":1}}.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  public static Writer parse(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "writer: '" + json + "' is not JSON (expected: {\"region\":R,\"term\":N})", e);
    }
    if (node == null || !node.path("region").isTextual()) {
      throw new IllegalArgumentException(
          "writer.region: missing in '" + json + "' (expected: a region name)");
    }
    if (!node.path("term").canConvertToExactIntegral()) {
      throw new IllegalArgumentException(
          "writer.term: missing in '" + json + "' (expected: an integer >= 1)");
    }
    return new Writer(node.get("region").asText(), node.get("term").asLong());
  }

  /** The JSON form, as the orchestrator writes it. */
  public String toJson() {
    return JSON.createObjectNode().put("region", region).put("term", term).toString();
  }
}
