package io.summit.dr.orchestrator.detection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The wire form of an {@link ObserverView}, as {@code GET /v1/view} serves it: {@code {"observer":
 * "...", "location": "...", "at": "2025-01-01T00:00:00Z", "regions": {"us-west-2": "up"},
 * "consecutive": {"us-west-2": 4}}} with health {@code up}, {@code down} or {@code unknown} and, in
 * {@code consecutive}, how many probes in a row the observer has seen each region so (absent from
 * older observers).
 */
final class ViewJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ViewJson() {}

  static String write(ObserverView view) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("observer", view.observer());
    root.put("location", view.location());
    root.put("at", view.at().toString());
    ObjectNode regions = root.putObject("regions");
    view.regions().forEach((r, h) -> regions.put(r, h.name().toLowerCase(Locale.ROOT)));
    if (!view.consecutive().isEmpty()) {
      ObjectNode counts = root.putObject("consecutive");
      view.consecutive().forEach(counts::put);
    }
    return root.toString();
  }

  /**
   * Reads the observer's own probe counts of a view: regions of {@code expected} with a
   * non-negative integer count; anything else is left out (the detector then counts its own polls).
   */
  static Map<String, Integer> readConsecutive(String json, Collection<String> expected) {
    JsonNode counts = parse(json).path("consecutive");
    Map<String, Integer> result = new LinkedHashMap<>();
    for (String region : expected) {
      JsonNode n = counts.path(region);
      if (n.isInt() && n.asInt() >= 0) {
        result.put(region, n.asInt());
      }
    }
    return result;
  }

  /**
   * Reads the region map of a view; regions of {@code expected} that are missing or carry an
   * unknown value are {@link RegionHealth#UNKNOWN}. Observer, location and time are the caller's.
   *
   * @throws IllegalArgumentException when the text is not a JSON object with a regions object
   */
  static Map<String, RegionHealth> readRegions(String json, Collection<String> expected) {
    JsonNode regions = parse(json).path("regions");
    if (!regions.isObject()) {
      throw new IllegalArgumentException("view: no 'regions' object in " + abbreviate(json));
    }
    Map<String, RegionHealth> health = new LinkedHashMap<>();
    for (String region : expected) {
      health.put(region, health(regions.path(region).asText("")));
    }
    return health;
  }

  static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("view: not JSON: " + abbreviate(json), e);
    }
  }

  private static RegionHealth health(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "up" -> RegionHealth.UP;
      case "down" -> RegionHealth.DOWN;
      default -> RegionHealth.UNKNOWN;
    };
  }

  static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
