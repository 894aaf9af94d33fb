package io.summit.dr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.drill.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The drill options the command line gives: the canary's share of writes with a document. */
class DrillOptionsTest {
  private static final Duration WARMUP = Duration.ofSeconds(5);

  @Test
  void byDefaultATenthOfTheWritesCarryADocument() {
    DrillOptions cli = new DrillOptions();

    assertThat(cli.options(Scenario.PARTITION).documentsPerSecond()).isEqualTo(20.0);
    assertThat(cli.options(Scenario.PARTITION, WARMUP, 50, 200).documentsPerSecond())
        .isEqualTo(5.0);
  }

  @Test
  void theOptionSetsTheShareUpToTheWriteRate() {
    DrillOptions cli = new DrillOptions();
    cli.documentsPerSecond = 200.0;
    assertThat(cli.options(Scenario.PARTITION).documentsPerSecond()).isEqualTo(200.0);
    cli.documentsPerSecond = 0.0;
    assertThat(cli.options(Scenario.PARTITION).documentsPerSecond()).isEqualTo(0.0);
  }

  @Test
  void aShareAboveTheWriteRateOrNegativeIsRefusedNamingTheOption() {
    DrillOptions cli = new DrillOptions();
    cli.documentsPerSecond = 20.5;
    assertThatThrownBy(() -> cli.options(Scenario.PARTITION, WARMUP, 20, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--documents-per-second: 20.5 (expected: >= 0 and <= the write rate 20)");
    cli.documentsPerSecond = -1.0;
    assertThatThrownBy(() -> cli.options(Scenario.PARTITION))
        .hasMessageStartingWith("--documents-per-second: -1 (expected: >= 0");
    cli.documentsPerSecond = Double.NaN;
    assertThatThrownBy(() -> cli.options(Scenario.PARTITION))
        .hasMessageStartingWith("--documents-per-second: NaN");
  }
}
