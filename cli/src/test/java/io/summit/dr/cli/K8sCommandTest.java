package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class K8sCommandTest {
  @TempDir Path dir;

  @Test
  void renderWritesAKustomizeBasePerRegion() {
    Path out = dir.resolve("k8s");

    CliRun run =
        CliRun.of("k8s", "render", "--config", "../examples/summit.yaml", "--out", out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("us-west-2: ", "us-east-1: ", "rendered in ");
    assertThat(out.resolve("us-east-1/kustomization.yaml")).exists();
    assertThat(out.resolve("us-west-2/deployment-api-server.yaml")).exists();
  }

  @Test
  void renderJsonListsEachRegionsResourcesAndFilesAsOneDocument() throws Exception {
    Path out = dir.resolve("k8s");

    CliRun run =
        CliRun.of(
            "k8s",
            "render",
            "--json",
            "--config",
            "../examples/summit.yaml",
            "--out",
            out.toString(),
            "--tag",
            "1.2.3");

    assertThat(run.exitCode()).as(run.err()).isZero();
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
    assertThat(json.get("config").asText()).isEqualTo("../examples/summit.yaml");
    assertThat(json.get("out").asText()).isEqualTo(out.toString());
    assertThat(json.get("namespace").asText()).isEqualTo("summit");
    assertThat(json.get("tag").asText()).isEqualTo("1.2.3");
    assertThat(json.get("millis").asLong()).isNotNegative();
    assertThat(json.get("regions").findValuesAsText("region")).contains("us-west-2", "us-east-1");
    for (var region : json.get("regions")) {
      assertThat(region.get("resources").asInt()).isPositive();
      assertThat(Path.of(region.get("dir").asText())).isDirectory();
      assertThat(region.get("files")).isNotEmpty();
      for (var file : region.get("files")) {
        assertThat(Path.of(file.asText())).isRegularFile();
      }
    }
  }

  @Test
  void renderJsonWithABadNamespaceIsBadInputAndPrintsNoJson() {
    CliRun run =
        CliRun.of(
            "k8s",
            "render",
            "--json",
            "--config",
            "../examples/summit.yaml",
            "--out",
            dir.toString(),
            "--namespace",
            "Not_A_Label");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("namespace: 'Not_A_Label'");
  }

  @Test
  void missingOptionsAreNamed() {
    CliRun run = CliRun.of("k8s", "render", "--config", "../examples/summit.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--out");
  }

  @Test
  void aBadNamespaceIsBadInputNamingTheField() {
    CliRun run =
        CliRun.of(
            "k8s",
            "render",
            "--config",
            "../examples/summit.yaml",
            "--out",
            dir.toString(),
            "--namespace",
            "Not_A_Label");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("namespace: 'Not_A_Label' (expected: a DNS label");
  }

  @Test
  void anOutputThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");

    CliRun run =
        CliRun.of("k8s", "render", "--config", "../examples/summit.yaml", "--out", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--out: " + file + " is a file");
  }

  @Test
  void aMissingTopologyFileIsBadInput() {
    CliRun run = CliRun.of("k8s", "render", "--config", "nope.yaml", "--out", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nope.yaml");
  }

  @Test
  void withoutASubcommandItSaysWhichExist() {
    CliRun run = CliRun.of("k8s");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("expected: render");
  }
}
