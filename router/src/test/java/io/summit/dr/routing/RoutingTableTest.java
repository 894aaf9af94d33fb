package io.summit.dr.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.topology.ReadPolicy;
import io.summit.dr.topology.RoutingPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
  private final RoutingTable table =
      new RoutingTable(List.of("west", "east"), "west", null, RoutingPolicy.defaults());

  private Instance add(String region, int port) {
    List<Endpoint> now =
        new java.util.ArrayList<>(
            region(region).instances().stream().map(Instance::endpoint).toList());
    now.add(new Endpoint("127.0.0.1", port));
    table.replaceInstances(region, now);
    return region(region).instances().get(now.size() - 1);
  }

  private RegionState region(String name) {
    return Objects.requireNonNull(table.region(name));
  }

  private static final Endpoint ONE = new Endpoint("127.0.0.1", 1);

  private static List<Instance> instances(RoutingTable t, String region) {
    return Objects.requireNonNull(t.region(region)).instances();
  }

  private static RoutingTable zoned() {
    return new RoutingTable(
        List.of("west", "east"),
        java.util.Map.of("west", List.of("west-a", "west-b")),
        "west",
        null,
        RoutingPolicy.defaults());
  }

  @Test
  void anInstanceKeepsItsStateWhileRegisteredAgainInTheSameZone() {
    RoutingTable t = zoned();
    t.replaceBackends("west", List.of(new Backend(ONE, "west-a")));
    Instance first = instances(t, "west").get(0);
    first.setUp(false);

    List<Instance> removed = t.replaceBackends("west", List.of(new Backend(ONE, "west-a")));

    assertThat(removed).isEmpty();
    assertThat(instances(t, "west")).containsExactly(first);
    assertThat(first.zone()).isEqualTo("west-a");
  }

  @Test
  void anAddressRegisteredAgainInAnotherZoneIsANewInstanceAndTheOldOneIsRetired() {
    RoutingTable t = zoned();
    t.replaceBackends("west", List.of(new Backend(ONE, "west-a")));
    Instance before = instances(t, "west").get(0);

    List<Instance> removed = t.replaceBackends("west", List.of(new Backend(ONE, "west-b")));

    assertThat(removed).containsExactly(before);
    assertThat(before.isRetired()).isTrue();
    Instance after = instances(t, "west").get(0);
    assertThat(after).isNotSameAs(before);
    assertThat(after.zone()).isEqualTo("west-b");
    assertThat(after.isAvailable()).isTrue();
  }

  @Test
  void aZoneNotOfTheRegionIsRefusedAndNothingChanges() {
    RoutingTable t = zoned();
    t.replaceInstances("west", List.of(ONE));
    Endpoint two = new Endpoint("127.0.0.1", 2);

    assertThatThrownBy(
            () -> t.replaceBackends("west", List.of(Backend.of(ONE), new Backend(two, "east-a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "zone: 'east-a' of 127.0.0.1:2 is not a zone of west (expected: one of [west-a,"
                + " west-b])");
    assertThatThrownBy(() -> t.replaceBackends("east", List.of(new Backend(ONE, "west-a"))))
        .hasMessageContaining("is not a zone of east");
    assertThatThrownBy(() -> new Backend(ONE, " "))
        .hasMessage("zone: ' ' (expected: a zone name, or none)");
    assertThat(instances(t, "west")).extracting(Instance::endpoint).containsExactly(ONE);
    assertThat(instances(t, "west").get(0).zone()).isNull();
  }

  @Test
  void readsGoToTheRegionWithTheLowestSmoothedRtt() {
    add("west", 1);
    Instance east = add("east", 2);
    region("west").recordRtt(50);
    region("east").recordRtt(10);

    assertThat(table.pickRead(List.of())).isSameAs(east);
  }

  @Test
  void dataOfAClassIsReadOnlyInItsRegionsAndRefusedWhenEveryInstanceThereIsDown() {
    Instance west = add("west", 1);
    Instance east = add("east", 2);
    region("west").recordRtt(50);
    region("east").recordRtt(10);
    west.setUp(false);

    // No panic routing for a class: refused at once rather than sent to a down instance or east.
    assertThat(table.pickRead(List.of(), List.of("west"))).isNull();
    assertThat(table.pickRead(List.of(), List.of("east"))).isSameAs(east);
    assertThat(table.pickRead(List.of())).isSameAs(east);
    west.setUp(true);
    assertThat(table.pickRead(List.of(), List.of("west"))).isSameAs(west);
  }

  @Test
  void aWriteOfAClassGoesToTheWriterWhenAllowedElseToAnAllowedRegionNeverElsewhere() {
    Instance west = add("west", 1);
    Instance east = add("east", 2);

    assertThat(table.pickWrite(List.of(), List.of("west", "east"))).isSameAs(west);
    assertThat(table.pickWrite(List.of(), List.of("east"))).isSameAs(east);
    east.setUp(false);
    assertThat(table.pickWrite(List.of(), List.of("east"))).isNull();
  }

  @Test
  void rttIsAnExponentiallyWeightedMovingAverage() {
    RegionState west = region("west");
    west.recordRtt(10);
    west.recordRtt(20);

    assertThat(west.rttMillis())
        .isCloseTo(0.3 * 20 + 0.7 * 10, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aRetriedReadGoesToAnotherHealthyRegionBeforeTheFailedInstancesNeighbours() {
    Instance failed = add("west", 1);
    Instance neighbour = add("west", 2);
    Instance east = add("east", 3);
    region("west").recordRtt(1);
    region("east").recordRtt(30);

    assertThat(table.pickRead(List.of(failed))).isSameAs(east);
    // With no other healthy region, the neighbour is next.
    table.replaceInstances("east", List.of());
    assertThat(table.pickRead(List.of(failed))).isSameAs(neighbour);
  }

  @Test
  void withoutSamplesReadsPreferTheFirstRegion() {
    Instance west = add("west", 1);
    add("east", 2);

    assertThat(table.pickRead(List.of())).isSameAs(west);
  }

  @Test
  void insideARegionTheLeastLoadedInstanceIsPicked() {
    Instance busy = add("west", 1);
    Instance idle = add("west", 2);
    busy.requestStarted();

    assertThat(table.pickRead(List.of())).isSameAs(idle);
    assertThat(table.pickWrite(List.of())).isSameAs(idle);
  }

  @Test
  void anUnhealthyOrDrainedRegionGetsNoReads() {
    Instance w1 = add("west", 1);
    Instance w2 = add("west", 2);
    Instance east = add("east", 3);
    region("west").recordRtt(1);
    region("east").recordRtt(50);
    w1.setUp(false);
    w2.setUp(false);

    assertThat(table.pickRead(List.of())).isSameAs(east);

    w1.setUp(true);
    w2.setUp(true);
    table.setDrained("west", true);
    assertThat(table.pickRead(List.of())).isSameAs(east);
    assertThat(table.pickWrite(List.of())).isIn(w1, w2);
  }

  @Test
  void withNothingAvailableReadsTryInstancesMarkedDownButWritesDoNot() {
    Instance w1 = add("west", 1);
    Instance east = add("east", 2);
    w1.setUp(false);
    east.setUp(false);
    region("west").recordRtt(1);
    region("east").recordRtt(50);

    assertThat(table.pickRead(List.of())).isSameAs(w1);
    assertThat(table.pickRead(List.of(w1))).isSameAs(east);
    assertThat(table.pickRead(List.of(w1, east))).isNull();
    assertThat(table.pickWrite(List.of())).isNull();
  }

  @Test
  void aRetryAvoidsTheInstancesTried() {
    Instance w1 = add("west", 1);
    Instance east = add("east", 2);
    region("west").recordRtt(1);
    region("east").recordRtt(50);

    assertThat(table.pickRead(List.of(w1))).isSameAs(east);
    assertThat(table.pickWrite(List.of(w1))).isNull();
  }

  @Test
  void writesNeverGoOutsideTheWriterRegion() {
    Instance w1 = add("west", 1);
    add("east", 2);
    w1.setUp(false);

    assertThat(table.pickWrite(List.of())).isNull();
    table.setWriter("east");
    assertThat(Objects.requireNonNull(table.pickWrite(List.of())).region()).isEqualTo("east");
    table.setWriter(null);
    assertThat(table.pickWrite(List.of())).isNull();
  }

  @Test
  void aGatewayReadsOnlyFromItsRegion() {
    RoutingTable gateway =
        new RoutingTable(List.of("west", "east"), "west", "east", RoutingPolicy.defaults());
    gateway.replaceInstances("west", List.of(new Endpoint("127.0.0.1", 1)));

    assertThat(gateway.pickRead(List.of())).isNull();
  }

  @Test
  void writerOnlyPolicySendsReadsToTheWriter() {
    RoutingPolicy p = RoutingPolicy.defaults();
    RoutingTable writerOnly =
        new RoutingTable(
            List.of("west", "east"),
            "east",
            null,
            new RoutingPolicy(
                ReadPolicy.WRITER_ONLY,
                p.rttSmoothing(),
                p.graphqlBodyLimit(),
                p.retryReads(),
                p.readAttemptTimeout(),
                p.ejectAfterErrors(),
                Duration.ofSeconds(1),
                p.maxEjectedPercent(),
                p.regionHealthyFraction(),
                p.retryAfter()));
    writerOnly.replaceInstances("west", List.of(new Endpoint("127.0.0.1", 1)));
    writerOnly.replaceInstances("east", List.of(new Endpoint("127.0.0.1", 2)));

    assertThat(Objects.requireNonNull(writerOnly.pickRead(List.of())).region()).isEqualTo("east");
  }

  @Test
  void replacingInstancesKeepsTheStateOfThoseThatStay() {
    Instance kept = add("west", 1);
    Instance removed = add("west", 2);
    kept.requestStarted();

    List<Instance> gone =
        table.replaceInstances(
            "west", List.of(new Endpoint("127.0.0.1", 1), new Endpoint("127.0.0.1", 3)));

    assertThat(gone).containsExactly(removed);
    assertThat(removed.isRetired()).isTrue();
    assertThat(region("west").instances().get(0)).isSameAs(kept);
    assertThat(kept.inFlight()).isEqualTo(1);
  }

  @Test
  void anUnknownRegionIsRefusedByName() {
    assertThatThrownBy(() -> table.setWriter("mars"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region: 'mars' is not a region of this router (expected: one of west, east)");
  }

  @Test
  void aRegionIsHealthyWhileTheConfiguredFractionOfItsInstancesIs() {
    Instance a = add("west", 1);
    add("west", 2);
    add("west", 3);

    a.setUp(false);
    assertThat(region("west").isHealthy(0.5)).isTrue();
    assertThat(region("west").isHealthy(0.8)).isFalse();
    assertThat(region("east").isHealthy(0.5)).isFalse();
  }
}
