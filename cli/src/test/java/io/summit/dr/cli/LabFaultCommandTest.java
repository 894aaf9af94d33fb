package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.summit.dr.lab.Fault;
import io.summit.dr.lab.LabComponent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lab fault ... --json}: refusals without a lab, and the report of each fault. */
class LabFaultCommandTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:15:30.123Z");

  @TempDir Path dir;

  @Test
  void killRegionJsonWithoutALabFailsWithNoHalfJson() {
    CliRun run =
        CliRun.of("lab", "fault", "kill-region", "us-west-2", "--json", "--dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("no lab in " + dir.toAbsolutePath().normalize());
  }

  @Test
  void aBadLatencyIsBadInputNamingTheOptionInJsonModeToo() {
    CliRun run =
        CliRun.of(
            "lab",
            "fault",
            "slow-link",
            "us-west-2",
            "us-east-1",
            "--latency",
            "soon",
            "--json",
            "--dir",
            dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("--latency: ");
  }

  @Test
  void killRegionReportSaysWhatWasKilledAndWhen() {
    LabComponent redis =
        new LabComponent(
            "redis-us-west-2",
            "redis",
            "us-west-2",
            4242,
            "127.0.0.1",
            26912,
            "/lab/us-west-2/redis",
            "/lab/us-west-2/redis.log",
            null,
            null);

    JsonNode json =
        JsonOption.tree(
            LabFaultCommand.Report.of(
                "kill-region",
                List.of("us-west-2"),
                new Fault("kill-region us-west-2", T0, List.of(redis))));

    assertThat(json.get("fault").asText()).isEqualTo("kill-region");
    assertThat(json.get("targets").get(0).asText()).isEqualTo("us-west-2");
    assertThat(json.get("took_effect").asText()).isEqualTo("2026-12-03T10:15:30.123Z");
    JsonNode killed = json.get("killed").get(0);
    assertThat(killed.get("name").asText()).isEqualTo("redis-us-west-2");
    assertThat(killed.get("kind").asText()).isEqualTo("redis");
    assertThat(killed.get("region").asText()).isEqualTo("us-west-2");
    assertThat(killed.get("pid").asLong()).isEqualTo(4242);
    assertThat(json.has("running")).isFalse();
    assertThat(json.has("latency")).isFalse();
  }

  @Test
  void linkFaultsKillNothingAndSlowLinkGivesItsLatency() {
    JsonNode partition =
        JsonOption.tree(
            LabFaultCommand.Report.of(
                "partition",
                List.of("us-west-2", "witness"),
                new Fault("partition us-west-2 witness", T0, List.of())));
    JsonNode slow =
        JsonOption.tree(
            new LabFaultCommand.Report(
                "slow-link", List.of("us-west-2", "us-east-1"), null, List.of(), null, "200ms"));

    assertThat(partition.get("targets")).hasSize(2);
    assertThat(partition.get("killed")).isEmpty();
    assertThat(partition.get("took_effect").asText()).isEqualTo("2026-12-03T10:15:30.123Z");
    assertThat(slow.get("latency").asText()).isEqualTo("200ms");
    assertThat(slow.has("took_effect")).isFalse();
  }
}
