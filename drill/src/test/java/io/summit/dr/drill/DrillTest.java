package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The drill's options: the canary's share of writes with a document. */
class DrillTest {
  @Test
  void theDocumentsPerSecondOptionIsATenthOfTheWritesByDefaultAndAtMostTheWriteRate() {
    Drill.Options d = Drill.Options.defaults(Scenario.SWITCHOVER);

    assertThat(d.documentsPerSecond()).isEqualTo(20.0);
    assertThat(d.withDocumentsPerSecond(200).documentsPerSecond()).isEqualTo(200.0);
    assertThat(d.withDocumentsPerSecond(0).documentsPerSecond()).isZero();
    assertThatThrownBy(() -> d.withDocumentsPerSecond(201))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--documents-per-second: 201.0 (expected: >= 0 and <= the write rate 200.0)");
    assertThatThrownBy(() -> d.withDocumentsPerSecond(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--documents-per-second: -1.0");
  }
}
