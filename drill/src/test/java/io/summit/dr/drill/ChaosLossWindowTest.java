package io.summit.dr.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.summit.dr.drill.chaos.FaultSet;
import io.summit.dr.drill.chaos.Schedule;
import io.summit.dr.drill.history.Op;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chaos drill's loss window, which decides whether an asynchronous loss explains a loss. */
class ChaosLossWindowTest {
  private static final long T0 = 1_000_000_000L;

  private static Op ackedAt(double seconds) {
    long at = T0 + (long) (seconds * 1e9);
    return new Op(
        1,
        1,
        Op.F.WRITE,
        "w",
        1L,
        at - 1_000_000,
        Instant.EPOCH,
        at,
        Op.Type.OK,
        1L,
        "us-west-2",
        "edge",
        null,
        null);
  }

  @Test
  void theOldestLostWriteBeforeTheFaultSetsTheWindow() {
    double window =
        ChaosDrill.lossWindowS(List.of(ackedAt(1.97), ackedAt(1.4), ackedAt(2.05)), 2.0, T0);

    assertThat(window).isCloseTo(0.6, within(1e-6)); // 2.0 - 1.4: beyond a 0.5 s budget
  }

  @Test
  void writesAcknowledgedOnlyAfterTheFaultGiveANegativeWindow() {
    double window = ChaosDrill.lossWindowS(List.of(ackedAt(2.3), ackedAt(2.1)), 2.0, T0);

    assertThat(window).isCloseTo(-0.1, within(1e-6));
  }

  @Test
  void theWindowIsTakenAtTheWriterRegionsKillNotAtAnEarlierPartition() {
    // chaos schedule 32: the regions partitioned at +3 s, us-west-2 killed at +7 s
    Schedule s =
        new Schedule(
            20261201L,
            32,
            List.of(
                new Schedule.Fault(
                    3, FaultSet.Kind.PARTITION, List.of("us-east-1", "us-west-2"), 0),
                new Schedule.Fault(7, FaultSet.Kind.KILL_REGION, List.of("us-west-2"), 0)),
            14);
    List<ChaosDrill.FaultRun> ran =
        List.of(
            new ChaosDrill.FaultRun(3.0, "partition us-east-1 us-west-2", null),
            new ChaosDrill.FaultRun(7.0, "kill-region us-west-2", null));
    assertThat(ChaosDrill.causeAtS(s, ran, "us-west-2", ZONED)).isEqualTo(7.0);
  }

  private static final FaultSet ZONED =
      new FaultSet(
          List.of("us-west-2", "us-east-1"),
          List.of("us-west-2", "us-east-1", "edge", "witness"),
          List.of(),
          List.of(),
          List.of(),
          false,
          java.util.Map.of(
              "us-west-2", List.of("us-west-2a", "us-west-2b"),
              "us-east-1", List.of("us-east-1a", "us-east-1b")));

  @Test
  void theKillOfAZoneOfTheWriterRegionExplainsLossesThereAndIsTheirTime() {
    Schedule s =
        new Schedule(
            1L,
            1,
            List.of(
                new Schedule.Fault(
                    1, FaultSet.Kind.PARTITION_ZONES, List.of("us-west-2a", "us-west-2b"), 0),
                new Schedule.Fault(4, FaultSet.Kind.KILL_ZONE, List.of("us-west-2b"), 0)),
            9);
    List<ChaosDrill.FaultRun> ran =
        List.of(
            new ChaosDrill.FaultRun(1.0, "partition-zones us-west-2a us-west-2b", null),
            new ChaosDrill.FaultRun(4.0, "kill-zone us-west-2b", null));

    assertThat(ChaosDrill.causeAtS(s, ran, "us-west-2", ZONED)).isEqualTo(4.0);
    assertThat(ChaosDrill.cause(s, "us-west-2", "us-west-2", ZONED))
        .isEqualTo(ChaosDrill.ZONE_WINDOW + "us-west-2b");
    // a zone of the other region explains nothing in the writer region
    assertThat(ChaosDrill.cause(s, "us-east-1", "us-east-1", ZONED))
        .isEqualTo(ChaosDrill.UNEXPLAINED);
  }

  @Test
  void onlyStoresWithASynchronousZoneStandbyCountAsLossesAZoneMustNotHave() throws Exception {
    var topology =
        io.summit.dr.topology.TopologyLoader.load(
            java.nio.file.Path.of("..", "examples", "lab-zones.yaml"));
    var missing =
        java.util.Map.<String, java.util.Set<String>>of(
            "postgres", java.util.Set.of(), "redis", java.util.Set.of("w-7"));

    assertThat(ChaosDrill.synchronousLosses(topology.stores(), missing)).isEmpty();
    assertThat(
            ChaosDrill.synchronousLosses(
                topology.stores(),
                java.util.Map.of("postgres", java.util.Set.of("w-9"), "redis", java.util.Set.of())))
        .containsExactly("postgres");
  }

  @Test
  void nothingLostIsAZeroWindow() {
    assertThat(ChaosDrill.lossWindowS(List.of(), 0, T0)).isZero();
  }
}
