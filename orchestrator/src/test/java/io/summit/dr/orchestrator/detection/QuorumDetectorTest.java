package io.summit.dr.orchestrator.detection;

import static io.summit.dr.orchestrator.detection.RegionHealth.DOWN;
import static io.summit.dr.orchestrator.detection.RegionHealth.UNKNOWN;
import static io.summit.dr.orchestrator.detection.RegionHealth.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.summit.dr.orchestrator.detection.DetectionEvent.ObserverReachable;
import io.summit.dr.orchestrator.detection.DetectionEvent.ObserverUnreachable;
import io.summit.dr.orchestrator.detection.DetectionEvent.PartitionHealed;
import io.summit.dr.orchestrator.detection.DetectionEvent.PartitionSuspected;
import io.summit.dr.orchestrator.detection.DetectionEvent.RegionFailed;
import io.summit.dr.orchestrator.detection.DetectionEvent.RegionRecovered;
import io.summit.dr.topology.HealthPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QuorumDetectorTest {
  private static final String WEST = "us-west-2";
  private static final String EAST = "us-east-1";
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  /** failureThreshold 3, recoveryThreshold 2, quorum 2. */
  private static final HealthPolicy POLICY =
      new HealthPolicy(Duration.ofMillis(500), Duration.ofMillis(250), 3, 2, 2);

  private final MutableClock clock = new MutableClock(T0);
  private final List<DetectionEvent> events = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final FakeObserver westObserver = new FakeObserver("observer-west", WEST);
  private final FakeObserver eastObserver = new FakeObserver("observer-east", EAST);
  private final FakeObserver edge = new FakeObserver("orchestrator", "edge");
  private final FakeObserver router = new FakeObserver("router", "edge");
  private QuorumDetector detector;

  @BeforeEach
  void allUp() {
    for (FakeObserver o : List.of(westObserver, eastObserver, edge, router)) {
      o.sees(WEST, UP).sees(EAST, UP);
    }
    detector = detector(POLICY);
  }

  @AfterEach
  void stop() {
    detector.close();
    scheduler.shutdownNow();
  }

  private QuorumDetector detector(HealthPolicy policy) {
    return new QuorumDetector(
        List.of(WEST, EAST),
        policy,
        List.of(westObserver, eastObserver, edge, router),
        clock,
        scheduler,
        events::add);
  }

  private void poll(int times) {
    for (int i = 0; i < times; i++) {
      clock.advance(Duration.ofMillis(500));
      detector.pollOnce();
    }
  }

  private void westSeenBy(RegionHealth health, FakeObserver... observers) {
    for (FakeObserver o : observers) {
      o.sees(WEST, health);
    }
  }

  @Test
  void quorumOfOutsideObserversDeclaresFailureOnlyAfterFailureThresholdPolls() {
    westSeenBy(DOWN, eastObserver, edge, router);

    poll(2);
    assertThat(events).isEmpty();
    assertThat(detector.failedRegions()).isEmpty();

    poll(1);
    assertThat(events)
        .singleElement()
        .isEqualTo(
            new RegionFailed(
                WEST,
                List.of("observer-east", "orchestrator", "router"),
                T0.plus(Duration.ofMillis(1500))));
    assertThat(detector.failedRegions()).containsExactly(WEST);
  }

  @Test
  void anObserverThatCountedItsOwnProbesVotesWithoutWaitingForAsManyPolls() {
    // The edge has polled the region down three times; the east observer probed it down three
    // times between two of our polls and says so: its vote counts at the first poll that hears it.
    westSeenBy(DOWN, edge);
    poll(2);
    eastObserver.sees(WEST, DOWN, 3);

    poll(1);

    assertThat(events)
        .singleElement()
        .isEqualTo(
            new RegionFailed(
                WEST, List.of("observer-east", "orchestrator"), T0.plus(Duration.ofMillis(1500))));
  }

  @Test
  void anObserverThatSeesEveryRegionDownAtOnceIsCutOffItselfAndDoesNotVote() {
    // The edge sees both regions down (its own links flap, or it is starved); with the east
    // observer's vote that would declare us-west-2 failed. It must not.
    edge.sees(WEST, DOWN).sees(EAST, DOWN);
    eastObserver.sees(WEST, DOWN);

    poll(5);

    assertThat(detector.failedRegions()).isEmpty();
    assertThat(events).noneMatch(e -> e instanceof RegionFailed);

    edge.sees(EAST, UP); // it reaches us-east-1 again: its view of us-west-2 counts once more
    poll(3);

    assertThat(detector.failedRegions()).containsExactly(WEST);
  }

  @Test
  void whileARegionIsSuspectedAFollowUpHearsTheDecidingVoteBeforeTheNextPoll() {
    westSeenBy(DOWN, edge);
    eastObserver.sees(WEST, DOWN, 1);
    poll(3); // the edge's three polls: suspected; the east observer has probed it down once
    assertThat(events).singleElement().isInstanceOf(PartitionSuspected.class);
    int edgePolls = edge.polls.get();

    eastObserver.sees(WEST, DOWN, 2);
    detector.followUp();
    assertThat(detector.failedRegions()).isEmpty();
    eastObserver.sees(WEST, DOWN, 3);
    detector.followUp();

    assertThat(detector.failedRegions()).containsExactly(WEST);
    assertThat(events).last().isInstanceOf(RegionFailed.class);
    assertThat(edge.polls.get())
        .as("a follow-up asks only counting observers")
        .isEqualTo(edgePolls);
  }

  @Test
  void aFollowUpDoesNotWaitForAnObserverThatDoesNotAnswer() {
    westSeenBy(DOWN, edge);
    poll(3);
    westObserver.sees(EAST, UP, 9); // counts its probes, and hangs (it is in the failed region)
    westObserver.answerAfterMillis = 5_000;
    eastObserver.sees(WEST, DOWN, 3);

    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        Duration.ofSeconds(2), () -> detector.followUp());

    assertThat(detector.failedRegions()).containsExactly(WEST);
  }

  @Test
  void askingACountingObserverMoreOftenThanItProbesAddsNoEvidence() {
    westSeenBy(DOWN, edge);
    poll(3);
    eastObserver.sees(WEST, DOWN, 1);

    for (int i = 0; i < 10; i++) {
      detector.followUp();
    }

    assertThat(detector.failedRegions()).isEmpty();
  }

  @Test
  void withNothingSuspectedAFollowUpAsksNobody() {
    eastObserver.sees(WEST, UP, 5);
    poll(1);
    int asked = eastObserver.polls.get();

    detector.followUp();

    assertThat(eastObserver.polls.get()).isEqualTo(asked);
  }

  @Test
  void anObserversOwnCountBelowTheThresholdDoesNotVote() {
    westSeenBy(DOWN, edge);
    poll(2);
    eastObserver.sees(WEST, DOWN, 2);

    poll(1);

    assertThat(detector.failedRegions()).isEmpty();
    assertThat(events).singleElement().isInstanceOf(PartitionSuspected.class);
  }

  @Test
  void edgeOnlyIsolationMakesTwoWriters_observersAtOneLocationVoteOnce() {
    // Finding 1: us-west-2 is cut from the edge only. The orchestrator's probes and the router
    // both run at the edge; us-east-1's observer still sees us-west-2. Quorum 2 counts locations,
    // so this is a partition to alert on, never a failover.
    westSeenBy(DOWN, edge, router);

    poll(10);

    assertThat(detector.failedRegions()).isEmpty();
    assertThat(events).noneMatch(e -> e instanceof RegionFailed);
    assertThat(events)
        .singleElement()
        .isEqualTo(
            new PartitionSuspected(
                WEST,
                List.of("orchestrator", "router"),
                List.of("observer-east"),
                T0.plus(Duration.ofMillis(1500))));
  }

  @Test
  void observersInsideTheFailedRegionDoNotCount() {
    // Quorum 2; only the observer inside us-west-2 and one outside see it down.
    westSeenBy(DOWN, westObserver, edge);

    poll(10);

    assertThat(events).noneMatch(e -> e instanceof RegionFailed);
    assertThat(events)
        .singleElement()
        .isEqualTo(
            new PartitionSuspected(
                WEST,
                List.of("orchestrator"),
                List.of("observer-east", "router"),
                T0.plus(Duration.ofMillis(1500))));
  }

  @Test
  void partitionBetweenTheRegionsRaisesPartitionSuspectedAndNeverRegionFailed() {
    // The inter-region link is cut: each region's observer sees the other down, the edge sees both.
    eastObserver.sees(WEST, DOWN);
    westObserver.sees(EAST, DOWN);

    poll(20);

    assertThat(events)
        .containsExactlyInAnyOrder(
            new PartitionSuspected(
                WEST,
                List.of("observer-east"),
                List.of("orchestrator", "router"),
                T0.plus(Duration.ofMillis(1500))),
            new PartitionSuspected(
                EAST,
                List.of("observer-west"),
                List.of("orchestrator", "router"),
                T0.plus(Duration.ofMillis(1500))));
    assertThat(detector.failedRegions()).isEmpty();
  }

  @Test
  void partitionHealsWhenTheObserverSeesTheRegionUpAgain() {
    eastObserver.sees(WEST, DOWN);
    poll(3);
    eastObserver.sees(WEST, UP);

    poll(1);

    assertThat(events)
        .hasSize(2)
        .last()
        .isEqualTo(new PartitionHealed(WEST, T0.plus(Duration.ofMillis(2000))));
  }

  /**
   * The leader's location cut from the witness's alone: the witness's observer still sees both
   * regions (or one of them) as before, but its reports stop arriving, so no region's view changes
   * and before this event no alert was raised (measured in the lab for us-east-1/witness).
   */
  @Test
  void anObserverUnheardForTheFailureThresholdRaisesAnAlertOnceAndAnotherWhenHeardAgain() {
    eastObserver.unreachable = true;

    poll(2);
    assertThat(events).isEmpty();
    poll(3);

    assertThat(events)
        .singleElement()
        .isEqualTo(
            new ObserverUnreachable("observer-east", EAST, 3, T0.plus(Duration.ofMillis(1500))));
    assertThat(detector.unreachableObservers()).containsExactly("observer-east");
    assertThat(detector.failedRegions()).isEmpty();

    eastObserver.unreachable = false;
    poll(1);

    assertThat(events)
        .last()
        .isEqualTo(new ObserverReachable("observer-east", EAST, T0.plus(Duration.ofMillis(3000))));
    assertThat(detector.unreachableObservers()).isEmpty();
  }

  /**
   * A router with no instance registered yet answers, but knows nothing of any region (measured: a
   * false alert for 14 s after every lab start while the heuristic was "every region UNKNOWN").
   */
  @Test
  void anObserverThatAnswersWithoutKnowingAnyRegionIsHeardAndRaisesNoObserverAlert() {
    westSeenBy(UNKNOWN, eastObserver, router);
    eastObserver.sees(EAST, UNKNOWN);
    router.sees(EAST, UNKNOWN);

    poll(10);

    assertThat(events).isEmpty();
    assertThat(detector.unreachableObservers()).isEmpty();
  }

  @Test
  void partitionEpisodeStaysOpenWhileTheSeeingObserverIsUnreachable() {
    eastObserver.sees(WEST, DOWN);
    poll(3);
    eastObserver.sees(WEST, UNKNOWN);

    poll(5);

    assertThat(events).singleElement().isInstanceOf(PartitionSuspected.class);
  }

  @Test
  void flappingRegionBelowThresholdDeclaresNothing() {
    for (int i = 0; i < 10; i++) {
      westSeenBy(DOWN, eastObserver, edge, router);
      poll(2);
      westSeenBy(UP, eastObserver, edge, router);
      poll(1);
    }

    assertThat(events).isEmpty();
    assertThat(detector.failedRegions()).isEmpty();
  }

  @Test
  void failedRegionRecoversAfterRecoveryThresholdUpPolls() {
    westSeenBy(DOWN, eastObserver, edge, router);
    poll(3);
    westSeenBy(UP, eastObserver, edge, router);

    poll(1);
    assertThat(detector.failedRegions()).containsExactly(WEST);

    poll(1);
    assertThat(events)
        .hasSize(2)
        .last()
        .isEqualTo(new RegionRecovered(WEST, T0.plus(Duration.ofMillis(2500))));
    assertThat(detector.failedRegions()).isEmpty();
  }

  @Test
  void recoveryNeedsAQuorumOfOutsideObservers() {
    westSeenBy(DOWN, westObserver, eastObserver, edge, router);
    poll(3);
    westSeenBy(UP, westObserver, edge); // the region's own observer does not count

    poll(10);

    assertThat(events).singleElement().isInstanceOf(RegionFailed.class);
    assertThat(detector.failedRegions()).containsExactly(WEST);
  }

  @Test
  void regionThatStaysFailedIsDeclaredFailedOnce() {
    westSeenBy(DOWN, eastObserver, edge, router);

    poll(50);

    assertThat(events).singleElement().isInstanceOf(RegionFailed.class);
  }

  @Test
  void regionThatFailsAgainAfterRecoveringIsDeclaredFailedAgain() {
    westSeenBy(DOWN, eastObserver, edge, router);
    poll(3);
    westSeenBy(UP, eastObserver, edge, router);
    poll(2);
    westSeenBy(DOWN, eastObserver, edge, router);

    poll(3);

    assertThat(events)
        .map(e -> e.getClass().getSimpleName())
        .containsExactly("RegionFailed", "RegionRecovered", "RegionFailed");
  }

  @Test
  void unreachableObserversDoNotCountTowardQuorum() {
    // The orchestrator sees the region down; the other observers cannot be asked.
    westSeenBy(DOWN, edge);
    westSeenBy(UNKNOWN, eastObserver, router);

    poll(10);

    assertThat(events).noneMatch(e -> e instanceof RegionFailed);
    assertThat(detector.failedRegions()).isEmpty();
    assertThat(detector.lastViews().get("router")).containsEntry(WEST, UNKNOWN);
  }

  @Test
  void unknownNeitherResetsNorExtendsTheDownStreak() {
    westSeenBy(DOWN, eastObserver, edge, router);
    poll(2);
    westSeenBy(UNKNOWN, eastObserver, edge, router);
    poll(5);
    assertThat(events).isEmpty();
    westSeenBy(DOWN, eastObserver, edge, router);

    poll(1);

    assertThat(events).singleElement().isInstanceOf(RegionFailed.class);
  }

  @Test
  void partitionThatEscalatesToAQuorumBecomesRegionFailed() {
    eastObserver.sees(WEST, DOWN);
    poll(3);
    westSeenBy(DOWN, edge, router);

    poll(3);

    assertThat(events)
        .map(e -> e.getClass().getSimpleName())
        .containsExactly("PartitionSuspected", "RegionFailed");
  }

  @Test
  void lastViewsReportsEveryObserversLatestView() {
    eastObserver.sees(WEST, DOWN);

    poll(1);

    assertThat(detector.lastViews())
        .containsOnlyKeys("observer-west", "observer-east", "orchestrator", "router");
    assertThat(detector.lastViews().get("observer-east"))
        .containsEntry(WEST, DOWN)
        .containsEntry(EAST, UP);
  }

  @Test
  void observerThatThrowsCountsAsUnreachable() {
    ObserverSource broken =
        new ObserverSource() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public String location() {
            return "edge";
          }

          @Override
          public ObserverView poll() {
            throw new IllegalStateException("boom");
          }
        };
    try (QuorumDetector d =
        new QuorumDetector(
            List.of(WEST), POLICY, List.of(broken, edge), clock, scheduler, events::add)) {
      d.pollOnce();
      assertThat(d.lastViews().get("broken")).containsEntry(WEST, UNKNOWN);
    }
  }

  @Test
  void startedDetectorPollsEveryProbeInterval() {
    detector = detector(new HealthPolicy(Duration.ofMillis(10), Duration.ofMillis(5), 3, 2, 2));
    westSeenBy(DOWN, eastObserver, edge, router);

    detector.start();

    await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
    assertThat(events).first().isInstanceOf(RegionFailed.class);
    assertThat(edge.polls.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void secondStartFailsAndSecondCloseIsHarmless() {
    detector.start();

    assertThatThrownBy(detector::start).isInstanceOf(IllegalStateException.class);
    detector.close();
    detector.close();
    assertThatThrownBy(detector::pollOnce).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void duplicateObserverNamesAreRejected() {
    assertThatThrownBy(
            () ->
                new QuorumDetector(
                    List.of(WEST), POLICY, List.of(edge, edge), clock, scheduler, events::add))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("observers: 'orchestrator' appears twice");
  }
}
