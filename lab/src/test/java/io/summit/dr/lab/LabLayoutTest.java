package io.summit.dr.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.StoreKind;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabLayoutTest {
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";
  private final LabLayout layout = new LabLayout("127.0.0.1", 20000, List.of(WEST, EAST));

  @Test
  void regionToRegionWanPortsKeepTheirFormula() {
    assertThat(layout.wan(WEST, EAST, StoreKind.POSTGRES).port()).isEqualTo(21110);
    assertThat(layout.wan(EAST, WEST, StoreKind.REDIS).port()).isEqualTo(22011);
  }

  @Test
  void locationsAreTheRegionsThenWitnessThenEdge() {
    assertThat(layout.locations()).containsExactly(WEST, EAST, "witness", "edge");
    assertThat(layout.wan("edge", WEST, StoreKind.POSTGRES).port()).isEqualTo(24010);
    assertThat(layout.wan("witness", EAST, StoreKind.REDIS).port()).isEqualTo(23111);
  }

  @Test
  void etcdEndpointsAreTheOwnMemberDirectThenTheOthersThroughTheLinks() {
    assertThat(layout.etcdEndpoints(WEST))
        .containsExactly(
            new Endpoint("127.0.0.1", 20060),
            new Endpoint("127.0.0.1", 21160),
            new Endpoint("127.0.0.1", 21260));
    assertThat(layout.etcdEndpoints("witness")).first().isEqualTo(layout.etcdClient("witness"));
    assertThat(layout.etcdClient("witness").port()).isEqualTo(20860);
    assertThat(layout.etcdEndpoints("edge"))
        .containsExactly(
            new Endpoint("127.0.0.1", 24060),
            new Endpoint("127.0.0.1", 24160),
            new Endpoint("127.0.0.1", 24260));
  }

  @Test
  void etcdPeersAdvertiseTheDiagonalWanPort() {
    assertThat(layout.etcdPeerAdvertised(WEST).port()).isEqualTo(21061);
    assertThat(layout.etcdPeerAdvertised(EAST).port()).isEqualTo(22161);
    assertThat(layout.etcdPeerAdvertised("witness").port()).isEqualTo(23261);
    assertThat(layout.etcdPeerListen("witness").port()).isEqualTo(20861);
  }

  @Test
  void theEdgeReachesEachInstanceSlotThroughItsLinkToTheRegion() {
    assertThat(layout.instanceSlotsFromEdge(EAST))
        .hasSameSizeAs(layout.instanceSlots(EAST))
        .first()
        .isEqualTo(new Endpoint("127.0.0.1", 24150));
    assertThat(layout.instanceSlotsFromEdge(WEST))
        .last()
        .isEqualTo(new Endpoint("127.0.0.1", 24059));
    assertThat(layout.edgeOffsets("witness")).isEmpty();
  }

  @Test
  void everyPortOfTheLabIsDistinct() {
    List<Integer> ports = TestLabs.ports(layout);

    assertThat(new HashSet<>(ports)).hasSameSizeAs(ports);
    assertThat(ports).allSatisfy(p -> assertThat(p).isBetween(20010, 24261));
  }

  @Test
  void aBadLocationNamesTheArgumentAndTheValidLocations() {
    assertThatThrownBy(() -> layout.etcdEndpoints("mars"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "location: 'mars' (expected: a location, one of us-west-2, us-east-1, witness, edge)");
    assertThatThrownBy(() -> layout.etcdClient("edge"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "location: 'edge' runs no etcd member (expected: one of us-west-2, us-east-1,"
                + " witness)");
  }

  @Test
  void directLeadsAnyLocationsWanAddressToTheStore() {
    assertThat(layout.direct(layout.wan("edge", EAST, StoreKind.POSTGRES)))
        .isEqualTo(layout.store(StoreKind.POSTGRES, EAST));
  }
}
