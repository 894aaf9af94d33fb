package io.summit.dr.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates the JSON Schema (draft 2020-12) of topology files from the model's records, with the
 * same field names, defaults and optionality the loader applies. Editors that read JSON Schema (VS
 * Code's YAML extension, IntelliJ) then complete and check topology files.
 *
 * <p>Written here rather than with a schema library because the binder's conventions (snake_case
 * names, kebab-case enums, durations as text, {@link Default} as YAML) must be mirrored exactly.
 */
public final class SchemaGenerator {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode defs = JSON.createObjectNode();

  private SchemaGenerator() {}

  /** The schema of a topology file. */
  public static ObjectNode topologySchema() {
    SchemaGenerator generator = new SchemaGenerator();
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.put("$id", "https://summit.io/dr/topology.schema.json");
    root.put("title", "Summit DR topology");
    root.setAll(generator.recordSchema(Topology.class));
    root.set("$defs", generator.defs);
    return root;
  }

  private ObjectNode schemaOf(Type type) {
    Class<?> raw = Model.rawClass(type);
    ObjectNode node = JSON.createObjectNode();
    if (raw.isRecord()) {
      if (!defs.has(raw.getSimpleName())) {
        defs.set(raw.getSimpleName(), JSON.createObjectNode());
        defs.set(raw.getSimpleName(), recordSchema(raw));
      }
      node.put("$ref", "#/$defs/" + raw.getSimpleName());
    } else if (raw == java.util.List.class) {
      node.put("type", "array");
      node.set("items", schemaOf(Model.typeArgument(type, 0)));
    } else if (raw == java.util.Map.class) {
      node.put("type", "object");
      node.set("additionalProperties", schemaOf(Model.typeArgument(type, 1)));
    } else if (raw == String.class) {
      node.put("type", "string");
    } else if (raw == int.class || raw == Integer.class) {
      node.put("type", "integer");
    } else if (raw == double.class) {
      node.put("type", "number");
    } else if (raw == boolean.class) {
      node.put("type", "boolean");
    } else if (raw == Duration.class) {
      node.put("type", "string");
      node.put("pattern", Durations.PATTERN);
    } else if (raw.isEnum()) {
      ArrayNode values = node.putArray("enum");
      Model.enumNames(raw).forEach(values::add);
    } else {
      throw new IllegalArgumentException("no schema for model type " + type);
    }
    return node;
  }

  private ObjectNode recordSchema(Class<?> record) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "object");
    node.put("additionalProperties", false);
    ObjectNode properties = node.putObject("properties");
    List<String> required = new ArrayList<>();
    for (RecordComponent c : record.getRecordComponents()) {
      ObjectNode field = schemaOf(c.getGenericType());
      Doc doc = c.getAnnotation(Doc.class);
      if (doc != null) {
        field.put("description", doc.value());
      }
      Default fallback = c.getAnnotation(Default.class);
      if (fallback != null) {
        field.set("default", defaultValue(fallback));
      }
      properties.set(Model.fieldName(c), field);
      if (!Model.isOptional(c)) {
        required.add(Model.fieldName(c));
      }
    }
    ArrayNode requiredNode = node.putArray("required");
    required.forEach(requiredNode::add);
    return node;
  }

  private static JsonNode defaultValue(Default fallback) {
    try {
      return new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
          .readTree("value: " + fallback.value())
          .get("value");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("bad @Default " + fallback.value(), e);
    }
  }
}
