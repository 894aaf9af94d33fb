package io.summit.dr.drill.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final FaultSet LAB =
      new FaultSet(
          List.of("us-west-2", "us-east-1"),
          List.of("us-west-2", "us-east-1", "edge", "witness"),
          List.of("postgres-us-east-1", "postgres-us-west-2", "redis-us-east-1", "redis-us-west-2"),
          List.of("etcd-us-east-1", "etcd-us-west-2", "etcd-witness"),
          List.of("agent-us-east-1", "agent-us-west-2"),
          true);

  @Test
  void theSameSeedReplaysTheSameSchedulesExactly() {
    List<Schedule> first =
        IntStream.rangeClosed(1, 20).mapToObj(i -> Schedule.draw(42, i, LAB, 3)).toList();
    List<Schedule> again =
        IntStream.rangeClosed(1, 20).mapToObj(i -> Schedule.draw(42, i, LAB, 3)).toList();
    assertThat(again).isEqualTo(first);
    assertThat(again.get(0).describe()).isEqualTo(first.get(0).describe());
  }

  @Test
  void anotherSeedDrawsOtherSchedules() {
    List<Schedule> a =
        IntStream.rangeClosed(1, 10).mapToObj(i -> Schedule.draw(1, i, LAB, 3)).toList();
    List<Schedule> b =
        IntStream.rangeClosed(1, 10).mapToObj(i -> Schedule.draw(2, i, LAB, 3)).toList();
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void schedulesStayWithinTheBoundAndKillOneRegionAtMost() {
    for (int i = 1; i <= 500; i++) {
      Schedule s = Schedule.draw(7, i, LAB, 3);
      assertThat(s.faults()).hasSizeBetween(1, 3);
      assertThat(s.faults().stream().filter(f -> f.kind() == FaultSet.Kind.KILL_REGION).count())
          .isLessThanOrEqualTo(1);
      assertThat(s.endS()).isGreaterThan(s.faults().get(s.faults().size() - 1).atS());
      for (Schedule.Fault f : s.faults()) {
        if (f.kind() == FaultSet.Kind.PARTITION) {
          assertThat(f.targets().get(0)).isNotEqualTo(f.targets().get(1));
        }
      }
    }
  }

  @Test
  void everyKindOfTheSetIsDrawnOverManySchedules() {
    var drawn =
        IntStream.rangeClosed(1, 300)
            .boxed()
            .flatMap(i -> Schedule.draw(3, i, LAB, 3).faults().stream())
            .map(Schedule.Fault::kind)
            .distinct()
            .toList();
    assertThat(drawn).containsExactlyInAnyOrderElementsOf(LAB.kinds());
  }

  private static final FaultSet ZONED =
      new FaultSet(
          LAB.regions(),
          LAB.locations(),
          LAB.stores(),
          LAB.etcd(),
          LAB.agents(),
          true,
          java.util.Map.of(
              "us-west-2", List.of("us-west-2a", "us-west-2b"),
              "us-east-1", List.of("us-east-1a", "us-east-1b")));

  @Test
  void aLabWithZonesAlsoDrawsZoneKillsAndPartitionsBetweenTheZonesOfOneRegion() {
    assertThat(LAB.kinds()).doesNotContain(FaultSet.Kind.KILL_ZONE, FaultSet.Kind.PARTITION_ZONES);
    assertThat(ZONED.kinds()).contains(FaultSet.Kind.KILL_ZONE, FaultSet.Kind.PARTITION_ZONES);
    var zoneFaults =
        IntStream.rangeClosed(1, 300)
            .boxed()
            .flatMap(i -> Schedule.draw(5, i, ZONED, 3).faults().stream())
            .filter(
                f ->
                    f.kind() == FaultSet.Kind.KILL_ZONE
                        || f.kind() == FaultSet.Kind.PARTITION_ZONES)
            .toList();
    assertThat(zoneFaults).isNotEmpty();
    for (Schedule.Fault f : zoneFaults) {
      if (f.kind() == FaultSet.Kind.KILL_ZONE) {
        assertThat(ZONED.allZones()).contains(f.targets().get(0));
      } else {
        assertThat(f.targets()).hasSize(2);
        assertThat(ZONED.regionOfZone(f.targets().get(0)))
            .isEqualTo(ZONED.regionOfZone(f.targets().get(1)));
        assertThat(f.targets().get(0)).isNotEqualTo(f.targets().get(1));
      }
    }
  }

  @Test
  void zonesOfAnUnknownRegionAreRefused() {
    assertThatThrownBy(
            () ->
                new FaultSet(
                    LAB.regions(),
                    LAB.locations(),
                    List.of(),
                    List.of(),
                    List.of(),
                    false,
                    java.util.Map.of("eu-west-1", List.of("eu-west-1a", "eu-west-1b"))))
        .hasMessageContaining("zones of eu-west-1");
  }

  @Test
  void aBoundBelowOneIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> Schedule.draw(1, 1, LAB, 0)).hasMessageContaining("--max-faults");
  }
}
