package io.summit.dr.drill.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.drill.history.Op;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StaleReadsTest {
  private static CheckResult check(Ops h) {
    return StaleReads.check(h.list(), Duration.ofMillis(100), o -> true);
  }

  @Test
  void aReadBehindByLessThanTheBoundIsFine() {
    Ops h =
        new Ops()
            .write("k", 1, 0, 10, Op.Type.OK)
            .write("k", 2, 20, 30, Op.Type.OK)
            .op(Op.F.REGISTER_READ_LOCAL, "k", 1L, 100, 110, Op.Type.OK, null, "us-east-1", "edge");
    assertThat(check(h).verdict()).isEqualTo(CheckResult.Verdict.VALID);
  }

  @Test
  void aReadBehindByMoreThanTheBoundIsStale() {
    Ops h =
        new Ops()
            .write("k", 1, 0, 10, Op.Type.OK)
            .write("k", 2, 20, 30, Op.Type.OK)
            .op(Op.F.REGISTER_READ_LOCAL, "k", 1L, 200, 210, Op.Type.OK, null, "us-east-1", "edge");
    CheckResult r = check(h);
    assertThat(r.verdict()).isEqualTo(CheckResult.Verdict.INVALID);
    assertThat(r.examples().get(0).window()).hasSize(3);
  }

  @Test
  void aReadOfAWriteWhoseOutcomeWasUnknownIsNotStale() {
    // 2 timed out (info) and took effect later; the read of it, long after 1, is not stale
    Ops h =
        new Ops()
            .write("k", 1, 0, 10, Op.Type.OK)
            .write("k", 2, 20, 3000, Op.Type.INFO)
            .op(
                Op.F.REGISTER_READ_LOCAL,
                "k",
                2L,
                8000,
                8010,
                Op.Type.OK,
                null,
                "us-west-2",
                "edge");
    assertThat(check(h).verdict()).isEqualTo(CheckResult.Verdict.VALID);
    // a value nobody wrote, long after 1, still is
    Ops other =
        new Ops()
            .write("k", 1, 0, 10, Op.Type.OK)
            .op(
                Op.F.REGISTER_READ_LOCAL,
                "k",
                7L,
                8000,
                8010,
                Op.Type.OK,
                null,
                "us-west-2",
                "edge");
    assertThat(check(other).verdict()).isEqualTo(CheckResult.Verdict.INVALID);
  }

  @Test
  void aMissingEntityLongAfterItsWriteIsStale() {
    Ops h =
        new Ops()
            .ack("seed1", 0, 10, "us-west-2", 1L)
            .op(Op.F.READ, "seed1", null, 500, 510, Op.Type.OK, null, "us-east-1", "edge");
    assertThat(check(h).violations()).isEqualTo(1);
  }

  @Test
  void readsOutsideTheChosenOnesAreNotChecked() {
    Ops h =
        new Ops()
            .ack("seed1", 0, 10, "us-west-2", 1L)
            .op(Op.F.READ, "seed1", null, 500, 510, Op.Type.OK, null, "us-west-2", "us-west-2");
    assertThat(
            StaleReads.check(h.list(), Duration.ofMillis(100), o -> o.client().equals("edge"))
                .verdict())
        .isEqualTo(CheckResult.Verdict.VALID);
  }
}
