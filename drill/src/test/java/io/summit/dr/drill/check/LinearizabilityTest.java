package io.summit.dr.drill.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.drill.history.Op;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinearizabilityTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);

  @Test
  void sequentialWritesAndReadsAreLinearizable() {
    Ops h =
        new Ops()
            .read("k", null, 0, 5)
            .write("k", 1, 10, 20, Op.Type.OK)
            .read("k", 1L, 30, 40)
            .write("k", 2, 50, 60, Op.Type.OK)
            .read("k", 2L, 70, 80);
    assertThat(Linearizability.check(h.list(), LIMIT).verdict())
        .isEqualTo(CheckResult.Verdict.VALID);
  }

  @Test
  void readsConcurrentWithAWriteMaySeeEitherValue() {
    Ops h =
        new Ops()
            .write("k", 1, 0, 10, Op.Type.OK)
            .write("k", 2, 20, 100, Op.Type.OK)
            .read("k", 2L, 30, 40)
            .read("k", 1L, 25, 28);
    assertThat(Linearizability.check(h.list(), LIMIT).verdict())
        .isEqualTo(CheckResult.Verdict.VALID);
  }

  @Test
  void aReadOfAnOverwrittenValueIsCaught() {
    Ops h =
        new Ops()
            .write("k", 1, 0, 10, Op.Type.OK)
            .write("k", 2, 20, 30, Op.Type.OK)
            .read("k", 1L, 40, 50)
            .write("other", 7, 0, 10, Op.Type.OK);
    CheckResult r = Linearizability.check(h.list(), LIMIT);
    assertThat(r.verdict()).isEqualTo(CheckResult.Verdict.INVALID);
    assertThat(r.violations()).isEqualTo(1);
    assertThat(r.examples().get(0).what()).contains("key k");
    assertThat(r.examples().get(0).window())
        .extracting(Op::value)
        .containsExactly(2L, 1L); // the overwrite and the stale read, not the first write
  }

  @Test
  void anInfoWriteThatTookEffectIsLinearizable() {
    Ops h =
        new Ops()
            .write("k", 1, 0, 10, Op.Type.OK)
            .write("k", 2, 20, 25, Op.Type.INFO)
            .read("k", 1L, 30, 35)
            .read("k", 2L, 100, 110);
    assertThat(Linearizability.check(h.list(), LIMIT).verdict())
        .isEqualTo(CheckResult.Verdict.VALID);
  }

  @Test
  void anInfoWriteCannotTakeEffectTwice() {
    Ops h =
        new Ops()
            .write("k", 1, 0, 10, Op.Type.OK)
            .write("k", 2, 20, 25, Op.Type.INFO)
            .read("k", 2L, 100, 110)
            .read("k", 1L, 120, 130);
    assertThat(Linearizability.check(h.list(), LIMIT).verdict())
        .isEqualTo(CheckResult.Verdict.INVALID);
  }

  @Test
  void aFailedWriteThatIsReadIsCaught() {
    Ops h =
        new Ops()
            .write("k", 1, 0, 10, Op.Type.OK)
            .write("k", 2, 20, 25, Op.Type.FAIL)
            .read("k", 2L, 30, 40);
    assertThat(Linearizability.check(h.list(), LIMIT).verdict())
        .isEqualTo(CheckResult.Verdict.INVALID);
  }

  @Test
  void aSearchPastItsLimitIsUnknownNotValid() {
    Ops h = new Ops();
    for (int i = 1; i <= 20; i++) {
      h.write("k", i, i, 1000, Op.Type.INFO);
    }
    h.read("k", 99L, 2000, 2010);
    CheckResult r = Linearizability.check(h.list(), Duration.ZERO);
    assertThat(r.verdict()).isEqualTo(CheckResult.Verdict.UNKNOWN);
  }
}
