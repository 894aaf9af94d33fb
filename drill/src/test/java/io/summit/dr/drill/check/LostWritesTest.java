package io.summit.dr.drill.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void aStoreIsJudgedOnlyOnTheWritesItWasLookedInFor() {
    // An objects store looked in for w1 only: w3 failed without a document, so its absence from
    // the missing set says nothing.
    Map<String, Set<String>> looked = Map.of("pg", Set.of("w1", "w2", "w3"), "docs", Set.of("w1"));
    CheckResult valid =
        LostWrites.check(h.list(), Map.of("pg", Set.of("w3"), "docs", Set.of()), looked, true);
    CheckResult lost =
        LostWrites.check(h.list(), Map.of("pg", Set.of("w3"), "docs", Set.of("w1")), looked, true);

    assertThat(valid.verdict()).isEqualTo(CheckResult.Verdict.VALID);
    assertThat(lost.violations()).isEqualTo(1);
    assertThat(lost.examples().get(0).what()).isEqualTo("acknowledged write w1 missing from docs");
  }

  @Test
  void aStoreMissingFromTheLookedForIdsIsRefused() {
    assertThatThrownBy(
            () ->
                LostWrites.check(h.list(), Map.of("pg", Set.of()), Map.of("docs", Set.of()), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("looked: stores [docs]");
  }

  @Test
  void anUnauditedStoreIsUnknown() {
    assertThat(LostWrites.check(h.list(), Map.of(), false).verdict())
        .isEqualTo(CheckResult.Verdict.UNKNOWN);
  }
}
