package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.lab.residency.ResidencyCheck;
import io.summit.dr.topology.TopologyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code residency check --json}, on a recorded lab whose components need not run. */
class ResidencyCommandTest {
  @TempDir Path dir;

  @Test
  void checkJsonOfATopologyWithoutDataClassesSaysSoAsJson() throws Exception {
    Files.writeString(
        dir.resolve("state.json"),
        "{\"config\": \""
            + Path.of("../examples/lab.yaml").toAbsolutePath().normalize()
            + "\", \"topology\": \"summit-lab\", \"components\": []}");

    CliRun run = CliRun.of("residency", "check", "--json", "--dir", dir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("classes")).isEmpty();
    assertThat(json.get("violations")).isEmpty();
    assertThat(json.get("unchecked")).isEmpty();
    assertThat(json.get("nodes_inspected").asInt()).isZero();
  }

  @Test
  void checkJsonWithoutALabFailsWithNoJson() {
    CliRun run = CliRun.of("residency", "check", "--json", "--dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void reportNamesTheClassesAndEachViolationsFields() {
    var topology = TopologyLoader.load(Path.of("../examples/lab-residency.yaml"));
    var violation =
        new ResidencyCheck.Violation("eu-pii", "postgres-us-east-1", "entities.id=eu-7", "1 row");

    JsonNode json =
        JsonOption.tree(
            ResidencyCommand.Check.Report.of(
                topology,
                new ResidencyCheck.Result(List.of(violation), List.of("neo4j: not inspected"), 5)));

    assertThat(json.get("classes")).isNotEmpty();
    JsonNode v = json.get("violations").get(0);
    assertThat(v.get("data_class").asText()).isEqualTo("eu-pii");
    assertThat(v.get("component").asText()).isEqualTo("postgres-us-east-1");
    assertThat(v.get("location").asText()).isEqualTo("entities.id=eu-7");
    assertThat(v.get("detail").asText()).isEqualTo("1 row");
    assertThat(json.get("unchecked").get(0).asText()).isEqualTo("neo4j: not inspected");
    assertThat(json.get("nodes_inspected").asInt()).isEqualTo(5);
  }
}
