package io.summit.dr.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PositionsTest {
  @Test
  void comparesPostgresLsns() {
    assertThat(Positions.compare("1/0", "0/FFFFFFFF")).isPositive();
    assertThat(Positions.compare("0/3000148", "0/3000148")).isZero();
  }

  @Test
  void comparesRedisOffsets() {
    assertThat(Positions.compare("99", "100")).isNegative();
  }

  @Test
  void comparesNeo4jSequenceNumbersAsNumbers() {
    // a failback's catch-up step compared "seq 2246" before this and failed on it
    assertThat(Positions.compare("seq 2246", "seq 999")).isPositive();
    assertThat(Positions.compare("seq 7", "seq 7")).isZero();
  }
}
