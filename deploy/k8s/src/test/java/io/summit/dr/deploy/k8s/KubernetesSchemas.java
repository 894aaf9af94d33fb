package io.summit.dr.deploy.k8s;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON schemas of the pinned Kubernetes version, vendored under {@code
 * src/test/resources/k8s-schema/} (see SOURCE.md there), looked up by a document's kind and
 * apiVersion the way kubeconform names them ({@code deployment-apps-v1.json}).
 */
final class KubernetesSchemas {
  static final String VERSION = "v1.30.0";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  /** The problems of {@code document} (empty when valid); fails when no schema is vendored. */
  List<Error> validate(JsonNode document) {
    return schemaFor(document).validate(document);
  }

  private Schema schemaFor(JsonNode document) {
    String kind = document.path("kind").asString().toLowerCase(Locale.ROOT);
    String apiVersion = document.path("apiVersion").asString().toLowerCase(Locale.ROOT);
    int slash = apiVersion.indexOf('/');
    // rbac.authorization.k8s.io/v1 -> rbac-v1; apps/v1 -> apps-v1; v1 -> v1
    String version =
        slash < 0
            ? apiVersion
            : apiVersion.substring(0, slash).split("[.]")[0]
                + "-"
                + apiVersion.substring(slash + 1);
    String file = kind + "-" + version + ".json";
    return schemas.computeIfAbsent(file, KubernetesSchemas::load);
  }

  private static Schema load(String file) {
    String path = "/k8s-schema/" + VERSION + "-standalone-strict/" + file;
    try (InputStream in = KubernetesSchemas.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new AssertionError(
            path + ": no schema vendored for this kind (copy it, see SOURCE.md)");
      }
      ObjectNode schema =
          (ObjectNode) JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      schema.remove("$schema"); // "http://json-schema.org/schema#": no fixed dialect; draft 4 fits
      return REGISTRY.getSchema(JSON.writeValueAsString(schema), InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
