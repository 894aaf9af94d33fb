package io.summit.dr.drill.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SplitBrainTest {
  @Test
  void aCleanHandoverIsValidAndItsGapMeasured() {
    Ops h =
        new Ops()
            .ack("a1", 0, 5, "us-west-2", 1L)
            .ack("a2", 6, 10, "us-west-2", 1L)
            .ack("b1", 12, 2010, "us-east-1", 2L)
            .ack("b2", 2020, 2030, "us-east-1", 2L);
    SplitBrain.Result r = SplitBrain.check(h.list());
    assertThat(r.check().verdict()).isEqualTo(CheckResult.Verdict.VALID);
    assertThat(r.handovers()).hasSize(1);
    assertThat(r.handovers().get(0).gapS()).isEqualTo(2.0);
  }

  @Test
  void aWriteInFlightAcrossTheHandoverIsNotSplitBrain() {
    Ops h =
        new Ops()
            .ack("a1", 0, 5, "us-west-2", 1L)
            .ack("b1", 10, 20, "us-east-1", 2L)
            .ack("a2", 15, 25, "us-west-2", 1L);
    assertThat(SplitBrain.check(h.list()).check().verdict()).isEqualTo(CheckResult.Verdict.VALID);
  }

  @Test
  void twoWritersAcknowledgingInOverlappingTimeAreCaught() {
    Ops h =
        new Ops()
            .ack("a1", 0, 5, "us-west-2", 1L)
            .ack("b1", 10, 20, "us-east-1", 2L)
            .ack("a2", 30, 35, "us-west-2", 1L)
            .ack("a3", 40, 45, "us-west-2", 1L);
    SplitBrain.Result r = SplitBrain.check(h.list());
    assertThat(r.check().verdict()).isEqualTo(CheckResult.Verdict.INVALID);
    assertThat(r.check().violations()).isEqualTo(2);
    assertThat(r.check().examples().get(0).window())
        .extracting(io.summit.dr.drill.history.Op::key)
        .containsExactly("b1", "a2");
  }

  @Test
  void twoWritersWithoutTermsAreCaughtByRegion() {
    Ops h =
        new Ops()
            .ack("a1", 0, 5, "us-west-2", null)
            .ack("b1", 10, 20, "us-east-1", null)
            .ack("a2", 30, 35, "us-west-2", null);
    assertThat(SplitBrain.check(h.list()).check().violations()).isEqualTo(1);
  }

  @Test
  void aWriteUnderASupersededTermIsCaught() {
    Ops h = new Ops().ack("b1", 0, 10, "us-east-1", 2L).ack("a1", 15, 16, "us-west-2", 1L);
    assertThat(SplitBrain.check(h.list()).check().verdict()).isEqualTo(CheckResult.Verdict.INVALID);
  }
}
