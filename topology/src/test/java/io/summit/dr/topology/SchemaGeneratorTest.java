package io.summit.dr.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaGeneratorTest {
  private final JsonSchema schema =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(new ObjectMapper().valueToTree(SchemaGenerator.topologySchema()));

  @ParameterizedTest
  @ValueSource(strings = {"summit.yaml", "lab.yaml", "lab-objects.yaml", "lab-residency.yaml"})
  void examplesConformToTheGeneratedSchema(String file) throws Exception {
    JsonNode doc = new YAMLMapper().readTree(Files.readString(Path.of("..", "examples", file)));

    assertThat(schema.validate(doc)).isEmpty();
  }

  @Test
  void schemaRejectsWhatTheLoaderRejects() throws Exception {
    JsonNode doc =
        new YAMLMapper()
            .readTree(
                Files.readString(
                    Path.of("src/test/resources/malformed/08-unknown-nested-field.yaml")));

    assertThat(schema.validate(doc))
        .extracting(Object::toString)
        .anySatisfy(m -> assertThat(m).contains("rpo_budgte"))
        .anySatisfy(m -> assertThat(m).contains("rpo_budget"));
  }

  @Test
  void schemaCarriesDescriptionsDefaultsAndEnums() {
    JsonNode s = new ObjectMapper().valueToTree(SchemaGenerator.topologySchema());

    JsonNode health = s.at("/$defs/HealthPolicy/properties");
    assertThat(health.at("/probe_interval/default").asText()).isEqualTo("500ms");
    assertThat(health.at("/probe_interval/description").asText()).isNotBlank();
    assertThat(s.at("/$defs/Region/properties/role/enum").toString())
        .isEqualTo("[\"primary\",\"secondary\",\"witness\"]");
    assertThat(s.at("/required").toString()).contains("regions", "objectives");
  }
}
