package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.drill.canary.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpTest {
  private static final long MS = 1_000_000L;
  private final List<Outcome> outcomes = new ArrayList<>();

  /** Writes every 10 ms from {@code fromMs} to {@code toMs}, each taking {@code tookMs}. */
  private void writes(long fromMs, long toMs, long tookMs, boolean ok) {
    for (long at = fromMs; at < toMs; at += 10) {
      outcomes.add(
          new Outcome(
              Outcome.Kind.WRITE,
              at,
              "w" + at,
              at * MS,
              (at + tookMs) * MS,
              ok ? 201 : 0,
              ok ? "us-west-2" : null,
              null,
              ok ? null : "HttpTimeoutException"));
    }
  }

  @Test
  void threeSecondsOfSimilarLatencyAreSteady() {
    writes(0, 2000, 900, true); // cold: outside the buckets
    writes(2000, 5000, 40, true);

    WarmUp w = WarmUp.of(outcomes, 5000 * MS, 0);

    assertThat(w.p99Ms()).containsExactly(40.0, 40.0, 40.0);
    assertThat(w.steady()).isTrue();
    assertThat(w.describe())
        .isEqualTo("write p99 per second 40, 40, 40 ms, median 40 ms, 0 failed");
  }

  @Test
  void aSlowSecondAmongTheLastThreeIsNotSteady() {
    writes(2000, 3000, 40, true);
    writes(3000, 4000, 400, true); // a JIT or class-loading stall
    writes(4000, 5000, 40, true);

    WarmUp w = WarmUp.of(outcomes, 5000 * MS, 0);

    assertThat(w.p99Ms()).containsExactly(40.0, 400.0, 40.0);
    assertThat(w.steady()).isFalse();
  }

  /** Regression: a cold lab answered every write in about 2 s and passed for steady. */
  @Test
  void uniformlySlowWritesAreNotSteady() {
    writes(2000, 5000, 1900, true);

    WarmUp w = WarmUp.of(outcomes, 5000 * MS, 0);

    assertThat(w.p99Ms()).containsExactly(1900.0, 1900.0, 1900.0);
    assertThat(w.steady()).isFalse();
  }

  @Test
  void aFailedWriteIsNotSteady() {
    writes(2000, 5000, 40, true);
    writes(4500, 4510, 2000, false);

    assertThat(WarmUp.of(outcomes, 5000 * MS, 0).steady()).isFalse();
  }

  @Test
  void fewerThanThreeSecondsSinceTheStartIsNotSteady() {
    writes(0, 2000, 40, true);

    WarmUp w = WarmUp.of(outcomes, 2000 * MS, 0);

    assertThat(w.p99Ms()).isEmpty();
    assertThat(w.steady()).isFalse();
  }

  @Test
  void aSecondWithoutAnyAcknowledgedWriteIsNotSteady() {
    writes(2000, 3000, 40, true);
    writes(4000, 5000, 40, true);

    assertThat(WarmUp.of(outcomes, 5000 * MS, 0).steady()).isFalse();
  }
}
