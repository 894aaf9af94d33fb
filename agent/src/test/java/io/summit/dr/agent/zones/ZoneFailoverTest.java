package io.summit.dr.agent.zones;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.summit.dr.agent.zones.ZoneStatus.StandbyState;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.topology.StandbyLoss;
import io.summit.dr.topology.StandbyMode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link ZoneFailover} against fake nodes, one tick at a time on a fake clock (100 ms
 * a tick): zone a's node is the writer, zone b's its standby, failure threshold 3.
 */
class ZoneFailoverTest {
  private static final ZoneNode A =
      new ZoneNode("us-west-2a", new Endpoint("127.0.0.1", 5432), new Endpoint("127.0.0.1", 6432));
  private static final ZoneNode B =
      new ZoneNode("us-west-2b", new Endpoint("127.0.0.1", 5433), new Endpoint("127.0.0.1", 6433));
  private static final String B_NAME = "\"node_us_west_2b\"";
  private static final String A_NAME = "\"node_us_west_2a\"";
  private static final long TICK = Duration.ofMillis(100).toNanos();

  private final FakeNode a = new FakeNode().primaryOf("node_us_west_2b", "sync");
  private final FakeNode b = new FakeNode().streamingStandby();
  private final FakeEndpoint endpoint = new FakeEndpoint();
  private final AtomicBoolean holding = new AtomicBoolean(true);
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private ZoneFailover failover = failover(StandbyMode.SYNCHRONOUS, StandbyLoss.WAIT);

  @AfterEach
  void shutDown() {
    failover.close();
    scheduler.shutdownNow();
  }

  private ZoneFailover failover(StandbyMode mode, StandbyLoss onLoss) {
    ZoneSettings settings =
        new ZoneSettings(
            "postgres@us-west-2",
            A,
            B,
            mode,
            onLoss,
            Duration.ofMillis(100),
            Duration.ofMillis(50),
            3,
            Duration.ofSeconds(3));
    return new ZoneFailover(
        settings,
        a,
        b,
        endpoint,
        holding::get,
        nanos::get,
        InstantSource.fixed(Instant.parse("2026-12-03T10:00:00Z")),
        scheduler,
        Runnable::run);
  }

  private ZoneStatus tick() {
    nanos.addAndGet(TICK);
    failover.tick();
    return failover.status();
  }

  private void ticks(int n) {
    for (int i = 0; i < n; i++) {
      tick();
    }
  }

  /** Zone a's node dies: b's WAL receiver stops at once, a's probes fail. */
  private void writerDies() {
    a.up = false;
    b.receiver = null;
  }

  @Test
  void failoverPromotesTheStandbyAndMovesTheEndpointAfterExactlyFailureThresholdFailedProbes() {
    assertThat(tick().standbyState()).isEqualTo(StandbyState.SYNC);

    writerDies();
    tick();
    ZoneStatus second = tick();
    assertThat(b.promotions).isZero();
    assertThat(endpoint.asked).isEmpty();
    assertThat(second.writerRole()).isEqualTo("unreachable");

    ZoneStatus third = tick();

    assertThat(b.promotions).isEqualTo(1);
    assertThat(b.namesSet).containsExactly(""); // it writes alone until zone a is back
    assertThat(endpoint.moved).containsExactly(B.address());
    assertThat(third.writerZone()).isEqualTo("us-west-2b");
    assertThat(third.standbyZone()).isEqualTo("us-west-2a");
    assertThat(third.writerRole()).isEqualTo("primary");
    assertThat(third.failovers()).isEqualTo(1);
    assertThat(third.refusedBecause()).isNull();
    // first failed probe sent at tick 2, the endpoint moved during tick 4
    assertThat(third.lastFailover())
        .isEqualTo(
            new ZoneStatus.Failover("2026-12-03T10:00:00Z", 200, "us-west-2a", "us-west-2b"));
  }

  @Test
  void noFailoverWithoutTheRegionsWriteAuthority() {
    holding.set(false);
    tick();

    writerDies();
    ticks(5);

    assertThat(b.promotions).isZero();
    assertThat(endpoint.asked).isEmpty();
    assertThat(failover.status().writerZone()).isEqualTo("us-west-2a");
    assertThat(failover.status().refusedBecause())
        .isEqualTo("the agent does not hold its region's write authority: observing only");
  }

  @Test
  void noFailoverWhenTheStandbyWasNotSynchronousAtTheWritersLastProbe() {
    a.peerSyncState = "async"; // e.g. catching up after a restart
    assertThat(tick().standbyState()).isEqualTo(StandbyState.ASYNC);

    writerDies();
    ticks(4);

    assertThat(b.promotions).isZero();
    assertThat(endpoint.asked).isEmpty();
    assertThat(failover.status().refusedBecause())
        .isEqualTo(
            "standby was not synchronous at the writer's last probe (sync_state=async): promoting"
                + " it could lose acknowledged writes");

    a.up = true; // the writer is back: the refusal ends with the loss
    assertThat(tick().refusedBecause()).isNull();
  }

  @Test
  void anAsynchronousStandbyIsPromotedAnyway() {
    failover = failover(StandbyMode.ASYNCHRONOUS, StandbyLoss.KEEP_WRITING);
    a.peerSyncState = "async";
    a.synchronousStandbyNames = "";
    tick();

    writerDies();
    ticks(3);

    assertThat(b.promotions).isEqualTo(1);
    assertThat(endpoint.moved).containsExactly(B.address());
  }

  @Test
  void noFailoverToAStandbyThatDoesNotAnswer() {
    tick();

    writerDies();
    b.up = false;
    ticks(3);

    assertThat(b.promotions).isZero();
    assertThat(failover.status().refusedBecause())
        .isEqualTo("the standby zone's node did not answer its last probe either");
  }

  @Test
  void oneLossGetsOneFailoverEvenWhenTheEndpointRefusesAMove() {
    tick();
    endpoint.refusals = 1;

    writerDies();
    ticks(3);
    assertThat(b.promotions).isEqualTo(1);
    assertThat(endpoint.moved).isEmpty();
    assertThat(failover.status().writerZone()).isEqualTo("us-west-2a");

    ticks(10); // the move is retried, the promotion not; zone a stays down

    assertThat(b.promotions).isEqualTo(1);
    assertThat(endpoint.asked).containsExactly(B.address(), B.address());
    assertThat(endpoint.moved).containsExactly(B.address());
    assertThat(failover.status().failovers()).isEqualTo(1);
    assertThat(failover.status().writerZone()).isEqualTo("us-west-2b");
    assertThat(failover.status().standbyState()).isEqualTo(StandbyState.LOST);
    assertThat(failover.status().lastFailover())
        .extracting(ZoneStatus.Failover::tookMs)
        .isEqualTo(300L);
  }

  @Test
  void theReturningOldWriterIsRejoinedThenMadeTheSynchronousStandby() {
    tick();
    writerDies();
    ticks(3);
    assertThat(failover.status().writerZone()).isEqualTo("us-west-2b");

    a.up = true; // zone a's node restarts as the primary it was, without a standby
    a.loseStandby();
    ticks(1);

    assertThat(a.rejoins).containsExactly(B.peer());
    assertThat(a.inRecovery).isTrue();

    b.peerState = "streaming"; // a now streams from b, asynchronously: b writes alone
    b.peerSyncState = "async";
    ZoneStatus async = tick();
    assertThat(b.namesSet).containsExactly("", A_NAME);
    assertThat(async.standbyState()).isEqualTo(StandbyState.ASYNC);

    b.peerSyncState = "sync";
    ZoneStatus sync = tick();
    assertThat(sync.standbyState()).isEqualTo(StandbyState.SYNC);
    assertThat(sync.alerts()).isEmpty();
    assertThat(b.namesSet).containsExactly("", A_NAME);
    assertThat(a.rejoins).hasSize(1);
  }

  @Test
  void aStandbyThatDoesNotStreamForRejoinAfterIsRejoinedOnce() {
    tick();
    a.loseStandby();
    b.receiver = "waiting";

    ticks(30); // 2.9 s since it was first seen not streaming
    assertThat(b.rejoins).isEmpty();

    ticks(1);
    assertThat(b.rejoins).containsExactly(A.peer());

    a.peerState = "streaming";
    ticks(40);
    assertThat(b.rejoins).hasSize(1);
  }

  @Test
  void aRejoinWithoutLocalControlIsReportedAndTriedAgainOnlyAfterRejoinAfter() {
    b.rejoinAnswer =
        new StoreResult.Fatal("postgres@us-west-2/us-west-2b: cannot rejoin: no local control");
    tick();
    b.inRecovery = false; // zone b's node was promoted behind the agent's back
    b.receiver = null;
    a.loseStandby();

    ZoneStatus seen = tick();

    assertThat(b.rejoins).hasSize(1);
    assertThat(seen.alerts())
        .contains("postgres@us-west-2/us-west-2b: cannot rejoin: no local control");
    ticks(29);
    assertThat(b.rejoins).hasSize(1);
    ticks(1);
    assertThat(b.rejoins).hasSize(2);
  }

  @Test
  void aLostStandbyWithWaitRaisesAnAlertAndLeavesTheSetting() {
    tick();

    b.up = false;
    a.loseStandby();
    ticks(2);
    assertThat(failover.status().alerts()).isEmpty();
    ZoneStatus lost = tick();

    assertThat(lost.standbyState()).isEqualTo(StandbyState.LOST);
    assertThat(lost.alerts())
        .singleElement()
        .asString()
        .startsWith("standby in zone us-west-2b lost (3 failed probes")
        .endsWith("commits wait until it is back (on_standby_loss: wait)");
    ticks(10);
    assertThat(a.namesSet).isEmpty();
    assertThat(a.synchronousStandbyNames).isEqualTo(B_NAME);
  }

  @Test
  void aLostStandbyWithKeepWritingClearsTheSettingUntilItStreamsAgain() {
    failover = failover(StandbyMode.SYNCHRONOUS, StandbyLoss.KEEP_WRITING);
    tick();

    b.up = false;
    a.loseStandby();
    ticks(3);
    assertThat(a.namesSet).containsExactly("");
    assertThat(failover.status().alerts()).singleElement().asString().contains("keep-writing");
    ticks(5);
    assertThat(a.namesSet).containsExactly("");

    b.up = true;
    a.peerState = "streaming";
    a.peerSyncState = "async";
    ZoneStatus back = tick();

    assertThat(a.namesSet).containsExactly("", B_NAME);
    assertThat(back.alerts()).isEmpty();
    assertThat(b.rejoins).isEmpty();
  }

  @Test
  void aReplicaRegionRejoinsItsCascadingStandbyWhenItStopsStreaming() {
    holding.set(false);
    a.inRecovery = true; // the cross-region replica, rewound by a failback
    a.receiver = "streaming";
    a.loseStandby();
    a.synchronousStandbyNames = "";
    b.receiver = "waiting"; // on the abandoned timeline

    ticks(30);
    assertThat(b.rejoins).isEmpty();

    ticks(1);
    assertThat(b.rejoins).containsExactly(A.peer());
    assertThat(a.namesSet).isEmpty();
    assertThat(endpoint.asked).isEmpty();
  }

  @Test
  void aReplicaRegionsWriterNodeLosesItsSynchronousStandbyNameSoThatAPromotionStartsAlone() {
    holding.set(false);
    a.inRecovery = true; // the cross-region replica, rewound by a failback with its own settings
    a.receiver = "streaming";
    a.synchronousStandbyNames = B_NAME;
    b.streamingStandby(); // cascading from it

    ticks(3);

    assertThat(a.namesSet).containsExactly(""); // once: the fake now reports ''
    assertThat(b.namesSet).isEmpty();

    // promoted by the orchestrator, then the agent takes the authority: the standby is named again
    a.primaryOf(B_NAME.replace("\"", ""), "async");
    holding.set(true);
    tick();
    assertThat(a.namesSet).containsExactly("", B_NAME);
  }

  @Test
  void aReplicaRegionIsObservedOnly() {
    holding.set(false);
    a.inRecovery = true; // the cross-region replica; b cascades from it
    a.receiver = "streaming";
    a.peerSyncState = "async";
    a.synchronousStandbyNames = "";
    b.inRecovery = false; // even a primary in zone b is not touched

    ticks(50);

    assertThat(b.rejoins).isEmpty();
    assertThat(a.namesSet).isEmpty();
    assertThat(endpoint.asked).isEmpty();
    assertThat(failover.status().writerRole()).isEqualTo("standby");
  }

  @Test
  void anEndpointLeftOnAStandbyFollowsThePrimary() {
    a.streamingStandby(); // the state after a failover this agent did not see
    b.primaryOf("node_us_west_2a", "sync");

    ZoneStatus seen = tick();

    assertThat(endpoint.moved).containsExactly(B.address());
    assertThat(seen.writerZone()).isEqualTo("us-west-2b");
    assertThat(seen.failovers()).isZero();
    assertThat(b.promotions).isZero();
  }

  @Test
  void theStatusAsTheAgentApiShowsIt() throws Exception {
    tick();
    writerDies();
    ticks(3);

    String json =
        new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .writeValueAsString(List.of(failover.status()));

    assertThat(json)
        .isEqualTo(
            "[{\"store\":\"postgres@us-west-2\",\"writer_zone\":\"us-west-2b\","
                + "\"standby_zone\":\"us-west-2a\",\"standby_state\":\"lost\","
                + "\"writer_role\":\"primary\",\"last_failover\":{\"at\":\"2026-12-03T10:00:00Z\","
                + "\"took_ms\":200,\"from_zone\":\"us-west-2a\",\"to_zone\":\"us-west-2b\"},"
                + "\"refused_because\":null,\"failovers\":1,\"alerts\":[]}]");
  }

  @Test
  void theReplicationSourceStaysWhileAReplicaCopiesFromItsNode() {
    failover.close();
    FakeEndpoint source = new FakeEndpoint();
    ZoneSettings settings =
        new ZoneSettings(
            "postgres@us-west-2",
            A,
            B,
            StandbyMode.SYNCHRONOUS,
            StandbyLoss.WAIT,
            Duration.ofMillis(100),
            Duration.ofMillis(50),
            3,
            Duration.ofSeconds(3));
    failover =
        new ZoneFailover(
            settings,
            a,
            b,
            endpoint,
            java.util.Optional.of(source),
            holding::get,
            nanos::get,
            InstantSource.fixed(Instant.parse("2026-12-03T10:00:00Z")),
            scheduler,
            Runnable::run,
            null);
    a.loseStandby(); // zone b's standby is away: the source is the writer's node
    tick();
    assertThat(source.moved).containsExactly(A.address());

    a.peerState = "streaming"; // the standby streams synchronously again...
    a.peerSyncState = "sync";
    a.copying = true; // ...while the other region's replica is rewound from zone a's node
    ticks(3);
    assertThat(source.moved).containsExactly(A.address());

    a.copying = false;
    tick();
    assertThat(source.moved).containsExactly(A.address(), B.address());
  }
}
