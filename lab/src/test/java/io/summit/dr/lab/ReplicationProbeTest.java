package io.summit.dr.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationProbeTest {
  @Test
  void summaryGivesTheDelayAfterTheAcknowledgementAndTheWriteItselfApart() {
    ReplicationProbe.Result r =
        new ReplicationProbe.Result(
            "neo4j", List.of(40.0, 45.0, 50.0, 55.0, 200.0), List.of(10.0, 12.0, 15.0, 20.0, 90.0));

    assertThat(r.percentile(50)).isEqualTo(50.0);
    assertThat(r.percentile(99)).isEqualTo(200.0);
    assertThat(r.summary())
        .isEqualTo(
            "neo4j     samples   5  median    50.0 ms  p95   200.0 ms  p99   200.0 ms  max   200.0"
                + " ms   (the write on the primary: median 15.0 ms)");
  }
}
