package io.summit.dr.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuTimeTest {
  @Test
  void readsUserPlusSystemTicksAfterACommandNameWithSpacesAndParentheses() {
    String stat =
        "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 12345 0 0 0 250 50 0 0 20 0 31 0 100"
            + " 2000000 30000 18446744073709551615";

    assertThat(CpuTime.parse(stat)).hasValue(300 * 10_000_000L);
  }

  @Test
  void thisProcessHasUsedSomeCpu() {
    assertThat(CpuTime.of(ProcessHandle.current().pid())).isPresent();
    assertThat(CpuTime.of(ProcessHandle.current().pid()).getAsLong()).isPositive();
  }

  @Test
  void aMalformedLineOrAMissingProcessGivesNothing() {
    assertThat(CpuTime.parse("garbage")).isEmpty();
    assertThat(CpuTime.of(Long.MAX_VALUE)).isEmpty();
  }
}
