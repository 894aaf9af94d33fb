package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SchemaCommandTest {
  @Test
  void printsTheSchemaAsJson() throws Exception {
    CliRun run = CliRun.of("schema");

    assertThat(run.exitCode()).isZero();
    assertThat(new ObjectMapper().readTree(run.out()).at("/properties/regions/type").asText())
        .isEqualTo("array");
  }

  /** Editors read docs/topology.schema.json; it must be what the command prints. */
  @Test
  void committedSchemaIsUpToDate() throws Exception {
    CliRun run = CliRun.of("schema");
    Path committed = Path.of("..", "docs", "topology.schema.json");

    assertThat(Files.readString(committed))
        .as("regenerate with: ./summit-dr schema > docs/topology.schema.json")
        .isEqualTo(run.out());
  }
}
