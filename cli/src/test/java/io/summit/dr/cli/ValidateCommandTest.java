package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  /** A topology with two problems: a role misspelt on line 4, a zero RTO on line 7. */
  private static Path badFile(Path dir) throws java.io.IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        """
        name: t
        regions:
          - {name: us-west-2, role: primary}
          - {name: us-east-1, role: primry}
        services: []
        stores: []
        objectives: {rpo: 5s, rto: 0s}
        """);
    return file;
  }

  @Test
  void validExampleExitsZeroAndSaysWhatItHolds() {
    CliRun run = CliRun.of("validate", "../examples/summit.yaml");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith(
            "../examples/summit.yaml: valid: topology 'summit', 2 regions (primary us-west-2)");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void malformedFileExitsTwoWithPositionedProblemsAndNoStackTrace(@TempDir Path dir)
      throws Exception {
    Path file = badFile(dir);

    CliRun run = CliRun.of("validate", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .containsExactly(
            file
                + ":4:29: regions[1].role: 'primry' is not allowed (did you mean 'primary'?)"
                + " (expected: one of primary, secondary, witness)",
            file + ":7:28: objectives.rto: 0s (expected: a duration > 0, such as 500ms)",
            "2 problems");
  }

  @Test
  void jsonSaysWhatAValidFileHoldsAndEveryProblemOfABadOneWithItsPosition(@TempDir Path dir)
      throws Exception {
    Path bad = badFile(dir);

    CliRun valid = CliRun.of("validate", "--json", "../examples/lab.yaml");
    CliRun invalid = CliRun.of("validate", "--json", bad.toString());

    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(valid.exitCode()).isZero();
    var v = json.readTree(valid.out());
    assertThat(v.get("valid").asBoolean()).isTrue();
    assertThat(v.get("name").asText()).isEqualTo("summit-lab");
    assertThat(v.get("primary").asText()).isEqualTo("us-west-2");
    assertThat(invalid.exitCode()).isEqualTo(2);
    assertThat(invalid.err()).isEmpty();
    var i = json.readTree(invalid.out());
    assertThat(i.get("valid").asBoolean()).isFalse();
    assertThat(i.get("problems")).hasSize(2);
    var first = i.get("problems").get(0);
    assertThat(first.get("line").asInt()).isEqualTo(4);
    assertThat(first.get("column").asInt()).isEqualTo(29);
    assertThat(first.get("path").asText()).isEqualTo("regions[1].role");
    assertThat(first.get("expected").asText()).isEqualTo("one of primary, secondary, witness");
  }

  @Test
  void missingFileIsBadInputNotACrash() {
    CliRun run = CliRun.of("validate", "no-such.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("no-such.yaml:1:1: <root>: cannot read the file");
    assertThat(run.err()).doesNotContain("Exception");
  }

  @Test
  void missingArgumentIsAUsageErrorWithExitTwo() {
    CliRun run = CliRun.of("validate");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required parameter: 'FILE'");
  }
}
