package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad drill and demo arguments: exit 2 naming the option, and no lab is started. */
class DrillCommandTest {
  @TempDir Path dir;

  private CliRun drill(String... more) {
    String[] args = new String[more.length + 3];
    args[0] = "drill";
    args[1] = "--dir";
    args[2] = dir.resolve("lab").toString();
    System.arraycopy(more, 0, args, 3, more.length);
    return CliRun.of(args);
  }

  @Test
  void anUnknownScenarioIsBadInputNamingTheAllowedOnes() {
    CliRun run = drill("--scenario", "teleport");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "--scenario: 'teleport' (expected: one of region-failure, zone-failure, partition,"
                + " switchover, failback, isolate, edge-isolation, chaos)");
    assertThat(Files.exists(dir.resolve("lab"))).isFalse();
  }

  @Test
  void aWindowTooShortForAnyRecoveryIsRefused() {
    CliRun run = drill("--scenario", "region-failure", "--window", "2s");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--window: 2000ms (expected: >= 5s)");
  }

  @Test
  void badRunsDurationsAndRatesNameTheirOption() {
    assertThat(drill("--scenario", "partition", "--runs", "0").err())
        .contains("--runs: 0 (expected: >= 1)");
    assertThat(drill("--scenario", "partition", "--warmup", "soon").err())
        .contains("--warmup: 'soon' (expected: a duration such as 60s or 500ms)");
    assertThat(drill("--scenario", "partition", "--ramp-up", "later").err())
        .contains("--ramp-up: 'later' (expected: a duration such as 60s or 500ms)");
    assertThat(drill("--scenario", "partition", "--write-rate=-5").err())
        .contains("--write-rate/--read-rate: negative");
    assertThat(CliRun.of("demo", "--dir", dir.toString(), "--window", "forever").err())
        .contains("--window: 'forever'");
    assertThat(Files.exists(dir.resolve("lab"))).isFalse();
  }

  @Test
  void documentsPerSecondOutsideZeroToTheWriteRateIsRefusedBeforeALabStarts() {
    CliRun over = drill("--scenario", "partition", "--documents-per-second", "300");
    CliRun overLowerRate =
        drill("--scenario", "switchover", "--write-rate", "10", "--documents-per-second", "20");
    CliRun negative = drill("--scenario", "partition", "--documents-per-second=-1");
    CliRun demo =
        CliRun.of("demo", "--dir", dir.resolve("lab").toString(), "--documents-per-second", "201");

    assertThat(over.exitCode()).isEqualTo(2);
    assertThat(over.err())
        .contains("--documents-per-second: 300 (expected: >= 0 and <= the write rate 200)");
    assertThat(overLowerRate.exitCode()).isEqualTo(2);
    assertThat(overLowerRate.err())
        .contains("--documents-per-second: 20 (expected: >= 0 and <= the write rate 10)");
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.err()).contains("--documents-per-second: -1 (expected: >= 0");
    assertThat(demo.exitCode()).isEqualTo(2);
    assertThat(demo.err()).contains("--documents-per-second: 201 (expected:");
    assertThat(Files.exists(dir.resolve("lab"))).isFalse();
  }
}
