package io.summit.dr.workload.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /entities}, checked: {@code {"id": "...", "seq": 17, "payload": "...",
 * "document": true, "graph": true}}, every field optional (a field set to null counts as absent).
 *
 * @param id null: the service picks one
 * @param seq null: the service numbers the write
 * @param payload empty when absent
 * @param document whether the entity also gets its document {@code entities/ID.json} when the
 *     topology has an objects store (default true)
 * @param graph whether the entity also gets its node when the topology has a neo4j store (default
 *     true)
 */
record EntityRequest(
    @Nullable String id, @Nullable Long seq, String payload, boolean document, boolean graph) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("id", "seq", "payload", "document", "graph");

  /**
   * Parses and checks a request body (an empty one is an empty object).
   *
   * @throws IllegalArgumentException naming the first field that is wrong, in the {@code (expected:
   *     ...)} format
   */
  static EntityRequest parse(byte[] bytes) {
    JsonNode body = object(bytes);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException(
            f + ": unknown field (expected: id, seq, payload, document, graph)");
      }
    }
    return new EntityRequest(
        id(body), seq(body), payload(body), flag(body, "document"), flag(body, "graph"));
  }

  private static JsonNode object(byte[] bytes) {
    if (bytes.length == 0) {
      return JSON.createObjectNode();
    }
    JsonNode body;
    try {
      body = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "body: not JSON (" + e.getOriginalMessage() + ") (expected: a JSON object)", e);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("body: " + e.getMessage() + " (expected: a JSON object)");
    }
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("body: not an object (expected: a JSON object)");
    }
    return body;
  }

  private static @Nullable String id(JsonNode body) {
    JsonNode id = body.path("id");
    if (absent(id)) {
      return null;
    }
    if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > 200) {
      throw new IllegalArgumentException(
          "id: " + id + " (expected: a string of 1..200 characters)");
    }
    return id.asText();
  }

  private static @Nullable Long seq(JsonNode body) {
    JsonNode seq = body.path("seq");
    if (absent(seq)) {
      return null;
    }
    if (!seq.canConvertToLong()) {
      throw new IllegalArgumentException("seq: " + seq + " (expected: an integer)");
    }
    return seq.asLong();
  }

  private static String payload(JsonNode body) {
    JsonNode payload = body.path("payload");
    if (!absent(payload) && !payload.isTextual()) {
      throw new IllegalArgumentException("payload: " + payload + " (expected: a string)");
    }
    return payload.asText("");
  }

  private static boolean flag(JsonNode body, String name) {
    JsonNode flag = body.path(name);
    if (absent(flag)) {
      return true;
    }
    if (!flag.isBoolean()) {
      throw new IllegalArgumentException(name + ": " + flag + " (expected: true or false)");
    }
    return flag.booleanValue();
  }

  private static boolean absent(JsonNode field) {
    return field.isMissingNode() || field.isNull();
  }
}
