package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.summit.dr.drill.canary.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class DrillMetricsTest {
  private static final long MS = 1_000_000L;
  private static final long T0 = 10_000 * MS;
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";

  private final List<Outcome> outcomes = new ArrayList<>();
  private long seq;

  /** A write issued at {@code issuedMs} (from T0), answered {@code tookMs} later. */
  private String write(long issuedMs, long tookMs, boolean ok, @Nullable String writer) {
    String id = "w" + ++seq;
    outcomes.add(
        new Outcome(
            Outcome.Kind.WRITE,
            seq,
            id,
            T0 + issuedMs * MS,
            T0 + (issuedMs + tookMs) * MS,
            ok ? 201 : 503,
            ok ? writer : null,
            writer,
            ok ? null : "no writer region"));
    return id;
  }

  private void read(long issuedMs, boolean ok) {
    outcomes.add(
        new Outcome(
            Outcome.Kind.READ,
            -1,
            "seed1",
            T0 + issuedMs * MS,
            T0 + (issuedMs + 2) * MS,
            ok ? 200 : 0,
            null,
            EAST,
            ok ? null : "ConnectException"));
  }

  private DrillMetrics compute(Map<String, Set<String>> missing, String newWriter) {
    return DrillMetrics.compute(outcomes, T0, Duration.ofSeconds(60), missing, WEST, newWriter);
  }

  @Test
  void writeRtoIsTheAcknowledgementOfTheFirstWriteAfterT0FollowedByAtLeast99PercentSuccess() {
    write(-100, 5, true, WEST);
    write(1, 2, true, WEST); // answered by the dying primary: followed by failures
    for (int i = 0; i < 20; i++) {
      write(10 + i * 50, 3, false, null);
    }
    write(1500, 40, true, EAST); // the recovery: everything after it succeeds
    for (int i = 0; i < 200; i++) {
      write(1600 + i * 5, 3, true, EAST);
    }

    DrillMetrics m = compute(Map.of(), EAST);

    assertThat(m.rtoWriteS()).isEqualTo(1.54);
  }

  @Test
  void oneStrayFailureInAHundredAfterTheRecoveryDoesNotMoveTheRto() {
    write(500, 10, true, EAST);
    for (int i = 0; i < 150; i++) {
      write(600 + i * 5, 3, i != 70, EAST);
    }

    assertThat(compute(Map.of(), EAST).rtoWriteS()).isEqualTo(0.51);
  }

  @Test
  void writesThatNeverRecoverHaveNoRto() {
    write(10, 3, false, null);
    write(20, 3, false, null);

    assertThat(compute(Map.of(), WEST).rtoWriteS()).isNull();
  }

  @Test
  void readAvailabilityCountsOnlyReadsIssuedInsideTheWindow() {
    read(-50, false); // before T0: not counted
    for (int i = 0; i < 998; i++) {
      read(i * 10, true);
    }
    read(100, false);
    read(200, false);
    read(61_000, false); // after T0 + 60 s: not counted

    DrillMetrics m = compute(Map.of(), WEST);

    assertThat(m.readsInWindow()).isEqualTo(1000);
    assertThat(m.readsFailedInWindow()).isEqualTo(2);
    assertThat(m.readAvailability()).isEqualTo(0.998);
  }

  @Test
  void rpoCountsAcknowledgedWritesMissingAfterwardsPerStoreWithTheOldestLossSettingTheWindow() {
    write(-900, 5, true, WEST);
    String oldLoss = write(-300, 20, true, WEST); // acknowledged at T0 - 280 ms
    String newLoss = write(-50, 10, true, WEST); // acknowledged at T0 - 40 ms
    write(-10, 5, true, WEST);

    DrillMetrics m =
        compute(Map.of("postgres", Set.of(newLoss), "redis", Set.of(oldLoss, newLoss)), EAST);

    assertThat(m.lostWrites()).isEqualTo(2);
    assertThat(m.lostByStore()).containsEntry("postgres", 1L).containsEntry("redis", 2L);
    assertThat(m.rpoWindowByStore()).containsEntry("postgres", 0.04).containsEntry("redis", 0.28);
    assertThat(m.rpoWindowS()).isEqualTo(0.28);
    assertThat(m.lost())
        .extracting(DrillMetrics.LostWrite::id, DrillMetrics.LostWrite::ackedS)
        .containsExactly(tuple(oldLoss, -0.28), tuple(newLoss, -0.04));
    assertThat(m.lost().get(0).stores()).containsExactly("redis");
    assertThat(m.lostAckedAfterT0()).isZero();
  }

  /**
   * Regression: writes the dying writer acknowledged after T0 were filed as "in flight" and left
   * out of the lost count, so region failures printed "lost 0" while acknowledged writes were
   * missing.
   */
  @Test
  void aLostWriteAcknowledgedAfterT0CountsAsLostAndTheWindowComesFromTheOldestLoss() {
    String beforeT0 = write(-60, 10, true, WEST); // acknowledged at T0 - 50 ms
    String afterT0 = write(-5, 8, true, WEST); // the dying writer answered at T0 + 3 ms
    String alsoAfter = write(1, 30, true, WEST); // answered at T0 + 31 ms
    write(2000, 5, true, EAST);

    DrillMetrics m =
        compute(Map.of("postgres", Set.of(afterT0, alsoAfter), "redis", Set.of(beforeT0)), EAST);

    assertThat(m.lostWrites()).isEqualTo(3);
    assertThat(m.lostByStore()).containsEntry("postgres", 2L).containsEntry("redis", 1L);
    assertThat(m.lost())
        .extracting(DrillMetrics.LostWrite::ackedS)
        .containsExactly(-0.05, 0.003, 0.031);
    assertThat(m.rpoWindowS()).isEqualTo(0.05);
    assertThat(m.rpoWindowByStore()).containsEntry("postgres", -0.003).containsEntry("redis", 0.05);
    assertThat(m.lostAckedAfterT0()).isEqualTo(2).isLessThanOrEqualTo(m.lostWrites());
    assertThat(m.lostAckedBySurvivingWriter()).isZero();
  }

  @Test
  void whenEveryLostWriteWasAcknowledgedAfterT0TheWindowIsNegativeAndTheLossStillCounts() {
    String lost = write(-5, 8, true, WEST);

    DrillMetrics m = compute(Map.of("postgres", Set.of(lost)), EAST);

    assertThat(m.lostWrites()).isEqualTo(1);
    assertThat(m.rpoWindowS()).isEqualTo(-0.003);
  }

  @Test
  void aWriteInTwoStoresCountsOnceInTheTotalAndOncePerStore() {
    String lost = write(-50, 10, true, WEST);

    DrillMetrics m = compute(Map.of("postgres", Set.of(lost), "redis", Set.of(lost)), EAST);

    assertThat(m.lostWrites()).isEqualTo(1);
    assertThat(m.lostByStore()).containsEntry("postgres", 1L).containsEntry("redis", 1L);
    assertThat(m.lost().get(0).stores()).containsExactlyInAnyOrder("postgres", "redis");
  }

  @Test
  void nothingLostMeansAWindowOfZero() {
    write(-50, 10, true, WEST);

    DrillMetrics m = compute(Map.of("postgres", Set.of(), "redis", Set.of()), EAST);

    assertThat(m.lostWrites()).isZero();
    assertThat(m.rpoWindowS()).isZero();
    assertThat(m.rpoWindowByStore()).containsEntry("postgres", 0.0).containsEntry("redis", 0.0);
  }

  @Test
  void aLossTheSurvivingWriterAcknowledgedIsCountedInTheTotalAndApartAsADefect() {
    String dying = write(-5, 8, true, WEST);
    String defect = write(2000, 5, true, EAST); // the new writer acknowledged it: must be there

    DrillMetrics m = compute(Map.of("postgres", Set.of(dying, defect)), EAST);

    assertThat(m.lostWrites()).isEqualTo(2);
    assertThat(m.lostAckedAfterT0()).isEqualTo(2);
    assertThat(m.lostAckedBySurvivingWriter()).isEqualTo(1);
  }

  @Test
  void whenTheWriterDidNotMoveEveryLossIsTheSurvivingWriters() {
    String before = write(-100, 5, true, WEST);
    String lost = write(100, 5, true, WEST);

    DrillMetrics m = compute(Map.of("postgres", Set.of(before, lost)), WEST);

    assertThat(m.lostWrites()).isEqualTo(2);
    assertThat(m.lostAckedBySurvivingWriter()).isEqualTo(2);
  }

  @Test
  void splitBrainCountsOldWriterAcknowledgementsAfterTheNewWritersFirst() {
    write(-100, 5, true, WEST);
    write(1000, 5, true, EAST); // the new writer's first acknowledgement at 1005 ms
    write(990, 20, true, WEST); // acknowledged by the old writer at 1010 ms: split brain
    write(1100, 5, true, EAST);

    assertThat(compute(Map.of(), EAST).splitBrainWrites()).isEqualTo(1);
    assertThat(compute(Map.of(), WEST).splitBrainWrites()).isZero();
  }

  @Test
  void writePauseIsTheLongestRunOfFailedWritesUntilTheNextAcknowledgement() {
    write(0, 2, true, WEST);
    write(100, 2, false, null); // a short blip: 100 .. 152
    write(150, 2, true, WEST);
    write(1000, 2, false, null); // the switchover's pause: 1000 .. 1704
    write(1300, 2, false, null);
    write(1700, 4, true, EAST);

    assertThat(compute(Map.of(), EAST).writePauseS()).isEqualTo(0.704);
  }
}
