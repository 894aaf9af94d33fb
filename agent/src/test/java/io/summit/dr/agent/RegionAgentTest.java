package io.summit.dr.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.replication.StoreAdapter;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's rules against a fake etcd and a fake clock (ticks and checks driven by hand). */
class RegionAgentTest {
  private static final long MS = 1_000_000L;

  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final FakeCoordination etcd = new FakeCoordination();
  private final FakeStore postgres = new FakeStore("postgres@us-west-2");
  private final FakeStore redis = new FakeStore("redis@us-west-2");
  private final InlineScheduler scheduler = new InlineScheduler();
  private final RegionAgent agent = agent(List.of(postgres, redis));

  private RegionAgent agent(List<StoreAdapter> stores) {
    return new RegionAgent(
        AgentConfig.of("t", "us-west-2"),
        etcd,
        stores,
        now::get,
        InstantSource.fixed(Instant.parse("2026-12-01T00:00:00Z")),
        scheduler);
  }

  @AfterEach
  void tearDown() {
    agent.close();
    scheduler.shutdownNow();
  }

  private void advance(long millis) {
    now.addAndGet(millis * MS);
  }

  private long lease() {
    return Objects.requireNonNull(agent.status().leaseId());
  }

  private String authority() {
    return "/summit-dr/t/authority/us-west-2";
  }

  @Test
  void holdsAuthorityOnALeaseWhileItsRegionIsTheWriter() {
    etcd.putWriter("us-west-2", 3);

    agent.tick();

    AgentStatus s = agent.status();
    assertThat(s.state()).isEqualTo(AgentState.HOLDING);
    assertThat(s.term()).isEqualTo(3);
    assertThat(etcd.leaseOf(authority())).contains(s.leaseId());
    assertThat(etcd.key(authority()).orElseThrow().value())
        .isEqualTo("{\"agent\":\"agent-us-west-2\",\"term\":3,\"since\":\"2026-12-01T00:00:00Z\"}");
    assertThat(s.deadlineInMillis()).isEqualTo(600);
    assertThat(postgres.calls() + redis.calls()).isZero();
  }

  @Test
  void deadlineIsMeasuredFromTheSendOfTheLastSuccessfulRenewalNotFromItsAnswer() {
    etcd.putWriter("us-west-2", 1);
    agent.tick(); // granted at t=0
    etcd.holdRenewals = true;
    advance(250);
    agent.tick(); // renewal sent at t=250, answered only at t=500
    advance(250);
    etcd.answerHeldRenewals();

    advance(349); // t=849: deadline = 250 + 1000 - 400 = 850
    agent.checkDeadline();
    assertThat(agent.status().state()).isEqualTo(AgentState.HOLDING);
    assertThat(agent.status().deadlineInMillis()).isEqualTo(1);

    advance(1); // t=850; measured from the answer it would be 1100
    agent.checkDeadline();
    assertThat(agent.status().state()).isEqualTo(AgentState.FENCED_SELF);
    assertThat(postgres.fenced).isTrue();
    assertThat(redis.fenced).isTrue();
    assertThat(agent.status().lastLapseToFenceMillis()).isEqualTo(600);
  }

  @Test
  void failedRenewalsDoNotMoveTheDeadline() {
    etcd.putWriter("us-west-2", 1);
    agent.tick();
    etcd.unreachable = true;
    for (int i = 0; i < 2; i++) {
      advance(250);
      agent.tick();
      agent.checkDeadline();
    }
    assertThat(agent.status().state()).isEqualTo(AgentState.HOLDING);
    advance(99); // t=599
    agent.checkDeadline();
    assertThat(redis.fenced).isFalse();

    advance(1); // t=600 = grant send + TTL - budget
    agent.checkDeadline();

    assertThat(agent.status().state()).isEqualTo(AgentState.FENCED_SELF);
    assertThat(agent.status().fencedStores()).containsExactly(postgres.id(), redis.id());
    assertThat(etcd.keepAlives)
        .as("one sent with the put, one on taking the authority, two that failed")
        .isEqualTo(4);
  }

  @Test
  void aLateAnswerToAnOldRenewalDoesNotMoveTheDeadlineBack() {
    etcd.putWriter("us-west-2", 1);
    agent.tick();
    etcd.holdRenewals = true;
    advance(250);
    agent.tick(); // sent at 250, held
    etcd.holdRenewals = false;
    advance(250);
    agent.tick(); // sent at 500, answered at once
    etcd.answerHeldRenewals(); // the answer to the one sent at 250 arrives last

    assertThat(agent.status().lastRenewalAgeMillis()).isZero();
    assertThat(agent.status().deadlineInMillis()).isEqualTo(600);
  }

  @Test
  void fencesAtOnceWhenEtcdSaysItsLeaseIsGone() {
    etcd.putWriter("us-west-2", 1);
    agent.tick();
    etcd.revokeFromOutside(lease());

    advance(250);
    agent.tick();

    assertThat(agent.status().state()).isEqualTo(AgentState.FENCED_SELF);
    assertThat(redis.fenced).isTrue();
    assertThat(agent.status().fences()).isEqualTo(1);
  }

  @Test
  void regainedLeaseWithTheSameTermUnfencesOnlyWhatTheAgentFenced() {
    etcd.putWriter("us-west-2", 1);
    agent.tick();
    long oldLease = lease();
    postgres.fenced = true; // fenced by the orchestrator meanwhile: AlreadyDone for the agent
    etcd.unreachable = true;
    advance(600);
    agent.checkDeadline();
    assertThat(agent.status().fencedStores()).containsExactly(redis.id());

    etcd.unreachable = false;
    advance(250);
    agent.tick();

    AgentStatus s = agent.status();
    assertThat(s.state()).isEqualTo(AgentState.HOLDING);
    assertThat(s.leaseId()).isNotEqualTo(oldLease);
    assertThat(etcd.leaseOf(authority())).contains(s.leaseId());
    assertThat(redis.fenced).isFalse();
    assertThat(postgres.fenced).isTrue();
    assertThat(postgres.unfences).isZero();
    assertThat(s.fencedStores()).isEmpty();
    assertThat(s.lastRegainToUnfenceMillis()).isZero();
  }

  @Test
  void doesNotUnfenceWhenTheWriterTermChangedWhileItWasFenced() {
    etcd.putWriter("us-west-2", 1);
    agent.tick();
    etcd.unreachable = true;
    advance(600);
    agent.checkDeadline();
    etcd.unreachable = false;
    etcd.putWriter("us-west-2", 3); // failed over and back: the orchestrator owns the stores now

    advance(250);
    agent.tick();

    assertThat(agent.status().state()).isEqualTo(AgentState.HOLDING);
    assertThat(agent.status().term()).isEqualTo(3);
    assertThat(redis.fenced).isTrue();
    assertThat(redis.unfences).isZero();
  }

  @Test
  void holdsNoLeaseAndTouchesNoStoreWhenAnotherRegionIsTheWriter() {
    etcd.putWriter("us-east-1", 2);

    for (int i = 0; i < 5; i++) {
      agent.tick();
      advance(250);
      agent.checkDeadline();
    }

    assertThat(agent.status().state()).isEqualTo(AgentState.STANDBY);
    assertThat(agent.status().writerRegion()).isEqualTo("us-east-1");
    assertThat(agent.status().leaseId()).isNull();
    assertThat(etcd.grants).as("its spare lease only").isEqualTo(1);
    assertThat(etcd.key(authority())).isEmpty();
    assertThat(postgres.calls() + redis.calls()).isZero();
  }

  @Test
  void takesTheAuthorityOnItsSpareLeaseWithTheDeadlineOfTheSparesLastRenewal() {
    etcd.putWriter("us-east-1", 2);
    agent.tick(); // standby: spare granted at t=0
    advance(250);
    agent.tick(); // spare renewed at t=250
    advance(100);
    etcd.putWriter("us-west-2", 3);
    etcd.holdRenewals = true; // the spare's renewal sent at t=350 is not answered yet

    agent.tick();

    AgentStatus s = agent.status();
    assertThat(s.state()).isEqualTo(AgentState.HOLDING);
    assertThat(etcd.grants).as("no grant when taking the authority").isEqualTo(1);
    assertThat(etcd.leaseOf(authority())).contains(s.leaseId());
    // counted from the spare's last successful renewal (sent at t=250): 250 + 1000 - 400 - 350
    assertThat(s.deadlineInMillis()).isEqualTo(500);

    // The renewals sent at t=350 (the spare's, and the one sent on taking it) answer: they renewed
    // the lease it now holds.
    advance(50);
    etcd.answerHeldRenewals();
    assertThat(agent.status().deadlineInMillis()).isEqualTo(350 + 600 - 400);
  }

  @Test
  void startsHoldingWithTheDeadlineOfARenewalSentWithThePutNotBeforeTheWriterWasRead() {
    etcd.putWriter("us-east-1", 2);
    agent.tick(); // standby: spare granted at t=0
    advance(250);
    agent.tick(); // spare renewed at t=250
    advance(100);
    etcd.putWriter("us-west-2", 3);
    // A loaded etcd: reading the writer takes 200 ms, the put 150 ms; renewals sent after the put
    // are not answered yet.
    etcd.onGet = () -> advance(200);
    etcd.onPut =
        () -> {
          advance(150);
          etcd.holdRenewals = true;
        };

    agent.tick(); // spare renewed at t=350, writer read until t=550, renewal + put at t=550

    AgentStatus s = agent.status();
    assertThat(s.state()).isEqualTo(AgentState.HOLDING);
    // t=700; counted from the renewal sent with the put: 550 + 1000 - 400 - 700 (from the
    // spare's renewal at t=350 it would be 250 ms)
    assertThat(s.deadlineInMillis()).isEqualTo(450);
    assertThat(postgres.calls() + redis.calls()).isZero();
  }

  @Test
  void aRenewalSentWithThePutAndAnsweredAfterItMovesTheDeadline() {
    etcd.putWriter("us-west-2", 3);
    etcd.onGrant = () -> advance(100);
    etcd.onPut = () -> advance(200);
    etcd.holdRenewals = true; // the renewal sent with the put (t=100) is answered later

    agent.tick(); // grant sent at t=0, renewal + put at t=100, holding at t=300

    assertThat(agent.status().deadlineInMillis()).isEqualTo(300);
    advance(50);
    etcd.answerOldestHeldRenewal(); // the one sent with the put; the one sent on holding waits
    assertThat(agent.status().deadlineInMillis()).isEqualTo(100 + 600 - 350);
  }

  @Test
  void aSpareWhoseDeadlinePassedIsRevokedAndANewLeaseGranted() {
    etcd.putWriter("us-east-1", 2);
    agent.tick(); // spare granted at t=0
    etcd.holdRenewals = true;
    advance(250);
    agent.tick(); // renewal sent, never answered
    advance(450); // t=700: the spare's deadline (600) has passed
    etcd.putWriter("us-west-2", 3);

    agent.tick(); // its renewal of the spare, sent now, is not answered either

    AgentStatus s = agent.status();
    assertThat(s.state()).isEqualTo(AgentState.HOLDING);
    assertThat(etcd.grants).isEqualTo(2);
    assertThat(s.deadlineInMillis()).isEqualTo(600);
  }

  @Test
  void fencesItsPrimariesThenReleasesTheAuthorityWhenTheWriterMovesAway() {
    // The orchestrator's gate reads the key's disappearance as "no writer left here": the agent
    // must have fenced before it lets the key go.
    etcd.putWriter("us-west-2", 1);
    agent.tick();
    etcd.putWriter("us-east-1", 2);

    advance(250);
    agent.tick();
    advance(2_000);
    agent.checkDeadline();

    assertThat(agent.status().state()).isEqualTo(AgentState.STANDBY);
    assertThat(etcd.key(authority())).isEmpty();
    assertThat(postgres.fenced).isTrue();
    assertThat(redis.fenced).isTrue();
    assertThat(postgres.unfences + redis.unfences).isZero();
  }

  @Test
  void leavesItsFencedStoresToTheOrchestratorWhenAnotherRegionBecameTheWriter() {
    etcd.putWriter("us-west-2", 1);
    agent.tick();
    etcd.unreachable = true;
    advance(600);
    agent.checkDeadline();
    etcd.unreachable = false;
    etcd.putWriter("us-east-1", 2);

    advance(250);
    agent.tick();

    assertThat(agent.status().state()).isEqualTo(AgentState.STANDBY);
    assertThat(agent.status().fencedStores()).isEmpty();
    assertThat(redis.fenced).isTrue();
    assertThat(redis.unfences).isZero();
  }

  @Test
  void doesNotHoldWhenTheWriterChangesBetweenItsReadAndItsPut() {
    etcd.putWriter("us-west-2", 1);
    etcd.onGrant = () -> etcd.putWriter("us-east-1", 2);

    agent.tick();

    assertThat(agent.status().state()).isEqualTo(AgentState.STANDBY);
    assertThat(etcd.key(authority())).isEmpty();
  }

  @Test
  void retriesAFenceThatFailedAtEveryCheck() {
    etcd.putWriter("us-west-2", 1);
    agent.tick();
    redis.unreachable = true;
    etcd.unreachable = true;
    advance(600);
    agent.checkDeadline();
    assertThat(redis.fenced).isFalse();

    redis.unreachable = false;
    advance(50);
    agent.checkDeadline();

    assertThat(redis.fenced).isTrue();
    assertThat(agent.status().fencedStores()).containsExactly(postgres.id(), redis.id());
  }

  @Test
  void startTwiceFailsAndCloseTwiceIsHarmless() {
    agent.start();
    assertThatThrownBy(agent::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("agent-us-west-2");
    agent.close();
    agent.close();
    assertThatThrownBy(agent::tick).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesTwoStoresWithOneId() {
    assertThatThrownBy(() -> agent(List.of(redis, new FakeStore(redis.id()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stores: 'redis@us-west-2' appears twice (expected: unique store ids)");
  }
}
