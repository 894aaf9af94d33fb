package io.summit.dr.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.summit.dr.lab.process.EtcdHttp;
import io.summit.dr.lab.process.LabException;
import io.summit.dr.replication.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A lab with its etcd cluster (and no control plane): the cluster comes up led by the witness, and
 * its peer traffic crosses exactly the WAN link of each pair of members, so link faults act on it
 * as on any cross-location traffic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdLabTest {
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";
  private static final String WITNESS = LabLayout.WITNESS;
  private static final Duration CALL = Duration.ofSeconds(2);

  private Lab lab;
  private final List<String> progress = new ArrayList<>();

  @BeforeAll
  void up() throws Exception {
    lab = TestLabs.prepare("etcd-lab-test");
    assertThat(lab.up(TestLabs.config(lab), progress::add, kind -> kind.equals("etcd"))).isTrue();
  }

  @AfterAll
  void down() {
    if (lab != null) {
      TestLabs.down(lab);
    }
  }

  @Test
  @Order(1)
  void upStartsAHealthyClusterLedByTheWitnessAndStatusListsKindsAndRoles() {
    assertThat(progress).anyMatch(l -> l.contains("leader moved to etcd-witness"));

    List<ComponentStatus> status = lab.status();

    assertThat(status).allSatisfy(s -> assertThat(s.healthy()).as(s.name()).isTrue());
    assertThat(status.stream().map(ComponentStatus::kind).distinct())
        .containsExactlyInAnyOrder("wan", "etcd", "postgres", "redis");
    assertThat(etcdRoles(status))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(WEST, "follower", EAST, "follower", WITNESS, "leader"));
  }

  @Test
  @Order(2)
  void partitionWitnessWestCutsExactlyThatPairAndTheClusterKeepsQuorum() {
    // Each pair of members talks over its own link, and nothing of etcd's crosses the edge's.
    assertThat(connections())
        .containsEntry(EAST + "|" + WEST, true)
        .containsEntry(WEST + "|" + WITNESS, true)
        .containsEntry(EAST + "|" + WITNESS, true)
        .containsEntry("edge|" + WEST, false)
        .containsEntry("edge|" + WITNESS, false);
    Instant before = Instant.now();

    Fault fault = lab.partition(WITNESS, WEST);

    assertThat(fault.tookEffect()).isBetween(before, Instant.now());
    assertThat(cutLinks()).containsExactly(WEST + "|" + WITNESS);
    put(member(EAST), "partition/east");
    put(member(WITNESS), "partition/witness");
    // The cut bites: us-west-2's own member no longer reaches the leader.
    await().atMost(Duration.ofSeconds(10)).until(() -> putFails(member(WEST)));
    // us-west-2's member cannot reach the leader, but a client in us-west-2 reaches the cluster
    // through its link to us-east-1: the endpoints a us-west-2 process is given.
    await().atMost(Duration.ofSeconds(10)).until(() -> putsThroughAny(WEST));
    lab.heal();
  }

  @Test
  @Order(3)
  void isolateWestMakesItsMemberLoseQuorumWhileTheOthersKeepWorking() {
    awaitHealthy();

    Fault fault = lab.isolate(WEST);

    assertThat(fault.description()).isEqualTo("isolate " + WEST);
    assertThat(cutLinks())
        .containsExactlyInAnyOrder("edge|" + WEST, EAST + "|" + WEST, WEST + "|" + WITNESS);
    assertThatThrownBy(() -> put(member(WEST), "isolated/west")).isInstanceOf(LabException.class);
    put(member(EAST), "isolated/east");
    put(member(WITNESS), "isolated/witness");
    lab.heal();
    awaitHealthy();
    put(member(WEST), "healed/west");
  }

  @Test
  @Order(4)
  void killingTheWitnessMemberElectsAnotherLeaderAndARestartRejoins() {
    awaitHealthy();

    Fault fault = lab.killComponent("etcd-witness");

    assertThat(fault.killed())
        .singleElement()
        .extracting(LabComponent::name)
        .isEqualTo("etcd-witness");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> etcdRoles(lab.status()).values().stream().filter("leader"::equals).count() == 1);
    assertThat(etcdRoles(lab.status())).containsEntry(WITNESS, "down");
    put(member(WEST), "after-kill/west");

    lab.restart("etcd-witness");

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> "follower".equals(etcdRoles(lab.status()).get(WITNESS)));
  }

  @Test
  @Order(5)
  void aBadLocationNamesTheArgumentAndTheValidLocations() {
    assertThatThrownBy(() -> lab.partition(WEST, "mars"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "LOCATION_B: 'mars' (expected: a location, one of us-west-2, us-east-1, witness,"
                + " edge)");
    assertThatThrownBy(() -> lab.isolate("moon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("LOCATION: 'moon'");
  }

  @Test
  @Order(6)
  void killRegionKillsItsEtcdMemberAndTheOthersKeepALeader() {
    awaitHealthy();

    Fault fault = lab.crashRegion(WEST);

    assertThat(fault.killed()).extracting(LabComponent::name).contains("etcd-us-west-2");
    assertThat(etcdRoles(lab.status())).containsEntry(WEST, "down");
    // Whoever led before (the witness restarted as a follower in the step above), the two
    // members left form a quorum and have a leader.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                List.of(etcdRoles(lab.status()).get(EAST), etcdRoles(lab.status()).get(WITNESS))
                    .contains("leader"));
    put(member(EAST), "after-kill-region/east");
  }

  private static Map<String, String> etcdRoles(List<ComponentStatus> status) {
    return status.stream()
        .filter(s -> s.kind().equals("etcd"))
        .collect(Collectors.toMap(ComponentStatus::region, ComponentStatus::role));
  }

  private List<String> cutLinks() {
    List<String> cut = new ArrayList<>();
    for (var l : links()) {
      if (l.path("cut").asBoolean()) {
        cut.add(l.path("a").asText() + "|" + l.path("b").asText());
      }
    }
    return cut;
  }

  /** Link "a|b" to whether it carries connections now. */
  private Map<String, Boolean> connections() {
    Map<String, Boolean> out = new java.util.HashMap<>();
    for (var l : links()) {
      out.put(l.path("a").asText() + "|" + l.path("b").asText(), l.path("connections").asInt() > 0);
    }
    return out;
  }

  private com.fasterxml.jackson.databind.JsonNode links() {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(lab.wan(lab.layout()).links());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean putFails(EtcdHttp member) {
    try {
      put(member, "probe");
      return false;
    } catch (LabException e) {
      return true;
    }
  }

  private void awaitHealthy() {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                lab.layout().etcdLocations().stream()
                    .allMatch(l -> new EtcdHttp(lab.layout().etcdClient(l), CALL).isHealthy()));
  }

  private EtcdHttp member(String location) {
    return new EtcdHttp(lab.layout().etcdClient(location), CALL);
  }

  private boolean putsThroughAny(String location) {
    for (Endpoint e : lab.layout().etcdEndpoints(location)) {
      try {
        put(new EtcdHttp(e, CALL), "from/" + location);
        return true;
      } catch (LabException failed) {
        // Try the next endpoint, as a client with several endpoints does.
      }
    }
    return false;
  }

  private static void put(EtcdHttp member, String key) {
    member.put(key, "v");
  }
}
