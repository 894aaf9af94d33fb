package io.summit.dr.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class AutoscalerTest {
  private static final Instant T = Instant.parse("2026-11-30T12:00:00Z");
  private final Autoscaler hpa = new Autoscaler(1, 4, 70, 0.1, Duration.ofSeconds(30));

  private static OptionalDouble cpu(double percent) {
    return OptionalDouble.of(percent);
  }

  @Test
  void scalesUpAtOnceByTheRatioOfUtilizationToTarget() {
    assertThat(hpa.recommend(T, 1, cpu(150))).isEqualTo(3); // ceil(1 * 150 / 70)
  }

  @Test
  void staysWithinTheToleranceAndWithoutASample() {
    assertThat(hpa.recommend(T, 2, cpu(75))).isEqualTo(2); // 75/70 = 1.07 < 1.1
    assertThat(hpa.recommend(T, 2, OptionalDouble.empty())).isEqualTo(2);
  }

  @Test
  void neverLeavesTheBounds() {
    assertThat(hpa.recommend(T, 3, cpu(900))).isEqualTo(4);
    assertThat(hpa.recommend(T, 1, cpu(1))).isEqualTo(1);
  }

  @Test
  void scalesDownOnlyToTheHighestRecommendationOfTheStabilizationWindow() {
    hpa.recommend(T, 3, cpu(70)); // 3 wanted at T
    assertThat(hpa.recommend(T.plusSeconds(10), 3, cpu(10))).isEqualTo(3);
    assertThat(hpa.recommend(T.plusSeconds(29), 3, cpu(10))).isEqualTo(3);
    assertThat(hpa.recommend(T.plusSeconds(41), 3, cpu(10))).isEqualTo(1);
  }

  @Test
  void aRaisedFloorHoldsAndItsBoundsAreChecked() {
    hpa.setMin(2);

    assertThat(hpa.recommend(T, 1, cpu(5))).isEqualTo(2);
    assertThatThrownBy(() -> hpa.setMin(5)).hasMessage("min: 5 (expected: 0..4)");
    assertThatThrownBy(() -> hpa.setMin(-1)).hasMessage("min: -1 (expected: 0..4)");
    assertThat(hpa.min()).isEqualTo(2);
  }
}
