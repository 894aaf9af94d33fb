package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PlanCommandTest {
  @Test
  void printsEveryStepWithTheRegionAndStoreItActsOn() {
    CliRun run = CliRun.of("plan", "../examples/lab.yaml");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("us-west-2 fails, us-east-1 takes over")
        .containsPattern("2 +fence +fence +us-west-2 +postgres \\(postgres\\)")
        .containsPattern("6 +promote +promote +us-east-1 +postgres \\(postgres\\) +promote")
        .containsPattern("7 +promote +promote +us-east-1 +redis \\(redis\\) +promote")
        .contains("11 steps")
        .contains("Nothing was changed.");
  }

  @Test
  void jsonFormListsTheSameSteps() throws Exception {
    CliRun run = CliRun.of("plan", "../examples/lab.yaml", "--json");

    JsonNode doc = new ObjectMapper().readTree(run.out());
    assertThat(doc.get("target_region").asText()).isEqualTo("us-east-1");
    assertThat(doc.get("steps")).hasSize(11);
    assertThat(doc.at("/steps/5/store").asText()).isEqualTo("postgres");
    assertThat(doc.at("/steps/5/action").asText()).isEqualTo("promote");
  }

  @Test
  void theLabTopologyHasNoResidencySection() {
    CliRun run = CliRun.of("plan", "../examples/lab.yaml");

    assertThat(run.out()).doesNotContain("Data residency");
  }

  @Test
  void statesWhatARegionFailureMeansForEachDataClass() throws Exception {
    CliRun run = CliRun.of("plan", "../examples/summit.yaml");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(
            "Data residency (what the failure of us-west-2 means for each class):\n"
                + "  class acme-gov-documents [us-west-2]: unavailable until us-west-2 returns;"
                + " never moved to or served from us-east-1\n");
    JsonNode doc =
        new ObjectMapper()
            .readTree(
                CliRun.of(
                        "plan",
                        "../examples/summit.yaml",
                        "--from",
                        "us-east-1",
                        "--to",
                        "us-west-2",
                        "--json")
                    .out());
    assertThat(doc.at("/residency/0").asText())
        .isEqualTo(
            "class acme-gov-documents [us-west-2]: not stored or served in us-east-1, unaffected");
  }

  @Test
  void unknownTargetRegionIsBadInputNamingTheOption() {
    CliRun run = CliRun.of("plan", "../examples/lab.yaml", "--to", "eu-west-1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "summit-dr plan: to: 'eu-west-1' is not a region of the topology (expected: one of"
                + " us-west-2, us-east-1)\n");
  }
}
