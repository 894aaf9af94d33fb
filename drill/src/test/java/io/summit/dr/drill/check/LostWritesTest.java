package io.summit.dr.drill.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.drill.history.Op;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LostWritesTest {
  private final Ops h =
      new Ops()
          .ack("w1", 0, 5, "us-west-2", 1L)
          .op(Op.F.WRITE, "w2", 2L, 6, 9, Op.Type.INFO, null, null, "edge")
          .op(Op.F.WRITE, "w3", 3L, 6, 9, Op.Type.FAIL, null, null, "edge");

  @Test
  void everyAcknowledgedWritePresentIsValidWhateverTheUnknownOnes() {
    CheckResult r = LostWrites.check(h.list(), Map.of("pg", Set.of("w2", "w3")), true);
    assertThat(r.verdict()).isEqualTo(CheckResult.Verdict.VALID);
  }

  @Test
  void anAcknowledgedWriteMissingIsLost() {
    CheckResult r = LostWrites.check(h.list(), Map.of("pg", Set.of("w1", "w3")), true);
    assertThat(r.verdict()).isEqualTo(CheckResult.Verdict.INVALID);
    assertThat(r.examples().get(0).what()).contains("w1").contains("pg");
  }

  @Test
  void aFailedWriteThatWentInIsAViolation() {
    CheckResult r = LostWrites.check(h.list(), Map.of("pg", Set.of()), true);
    assertThat(r.violations()).isEqualTo(1);
    assertThat(r.examples().get(0).what()).contains("failed write w3");
  }

  @Test
  void anUnauditedStoreIsUnknown() {
    assertThat(LostWrites.check(h.list(), Map.of(), false).verdict())
        .isEqualTo(CheckResult.Verdict.UNKNOWN);
  }
}
