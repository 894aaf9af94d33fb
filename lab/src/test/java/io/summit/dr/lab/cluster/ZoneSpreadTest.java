package io.summit.dr.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The spread of a region's instances over its zones: fewest first, ties to the first zone. */
class ZoneSpreadTest {
  private static final List<String> ZONES = List.of("us-west-2a", "us-west-2b");

  /** The zones of {@code n} instances started one after the other. */
  private static List<String> start(int n, List<String> zones) {
    List<String> live = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      live.add(ZoneSpread.place(zones, live));
    }
    return live;
  }

  @Test
  void instancesStartedOneAfterTheOtherAlternateBetweenTheZonesFirstZoneFirst() {
    assertThat(start(4, ZONES))
        .containsExactly("us-west-2a", "us-west-2b", "us-west-2a", "us-west-2b");
    assertThat(start(5, List.of("a", "b", "c"))).containsExactly("a", "b", "c", "a", "b");
  }

  @Test
  void theReplacementOfAKilledInstanceGoesToTheZoneItLeftShort() {
    List<String> live = start(3, ZONES); // a, b, a

    live.remove(1); // the instance in us-west-2b is killed and reaped

    assertThat(ZoneSpread.place(ZONES, live)).isEqualTo("us-west-2b");
  }

  @Test
  void whenAZoneLosesEveryInstanceTheReplacementsRefillItUntilEven() {
    List<String> live = new ArrayList<>(start(4, ZONES));
    live.removeIf("us-west-2a"::equals); // kill-zone us-west-2a: both of its instances

    live.add(ZoneSpread.place(ZONES, live));
    live.add(ZoneSpread.place(ZONES, live));

    assertThat(live).containsExactly("us-west-2b", "us-west-2b", "us-west-2a", "us-west-2a");
  }

  @Test
  void replacementsOfAZoneMarkedDownGoToTheZonesThatAreUp() {
    List<String> live = new ArrayList<>(start(4, ZONES));
    live.removeIf("us-west-2a"::equals); // kill-zone us-west-2a, the zone marked down first

    live.add(ZoneSpread.place(ZONES, Set.of("us-west-2a"), live));
    live.add(ZoneSpread.place(ZONES, Set.of("us-west-2a"), live));

    assertThat(live).containsOnly("us-west-2b").hasSize(4);
    // every zone down: the instance still has to run somewhere
    assertThat(ZoneSpread.place(ZONES, Set.copyOf(ZONES), List.of())).isEqualTo("us-west-2a");
  }

  @Test
  void instancesAllInOneZoneAfterItsNeighboursReturnAreSkewedUntilOneMoves() {
    List<String> live = new ArrayList<>(List.of("us-west-2b", "us-west-2b"));

    assertThat(ZoneSpread.skewed(ZONES, Set.of("us-west-2a"), live)).isFalse(); // a still down
    assertThat(ZoneSpread.skewed(ZONES, Set.of(), live)).isTrue(); // a back: 0 against 2
    live.add(ZoneSpread.place(ZONES, Set.of(), live)); // the surge goes to us-west-2a
    live.remove(ZoneSpread.removeFrom(ZONES, live)); // then the crowded zone gives one up
    assertThat(live).containsExactlyInAnyOrder("us-west-2a", "us-west-2b");
    assertThat(ZoneSpread.skewed(ZONES, Set.of(), live)).isFalse();
    assertThat(ZoneSpread.skewed(ZONES, Set.of(), List.of("us-west-2a"))).isFalse(); // 1 against 0
  }

  @Test
  void withEqualCountsTheNextInstanceGoesToTheFirstZone() {
    assertThat(ZoneSpread.place(ZONES, List.of("us-west-2b", "us-west-2a")))
        .isEqualTo("us-west-2a");
    assertThat(ZoneSpread.place(ZONES, List.of())).isEqualTo("us-west-2a");
  }

  @Test
  void scalingDownRemovesFromTheZoneWithTheMostTiesToTheLastZone() {
    assertThat(ZoneSpread.removeFrom(ZONES, List.of("us-west-2a", "us-west-2a", "us-west-2b")))
        .isEqualTo("us-west-2a");
    assertThat(ZoneSpread.removeFrom(ZONES, List.of("us-west-2a", "us-west-2b")))
        .isEqualTo("us-west-2b");
  }

  @Test
  void withoutZonesThereIsNoZoneToPlaceInOrRemoveFrom() {
    assertThat(ZoneSpread.place(List.of(), List.of())).isNull();
    assertThat(ZoneSpread.removeFrom(List.of(), List.of())).isNull();
    assertThat(ZoneSpread.removeFrom(ZONES, List.of())).isNull();
  }
}
