package io.summit.dr.orchestrator.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.kv.TxnResponse;
import io.summit.dr.orchestrator.plan.JournalEntry;
import io.summit.dr.orchestrator.plan.JournalException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The control state in a real etcd: leadership, the guarded journal, the writer term. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdControlStoreTest {
  private TestEtcd etcd;

  @BeforeAll
  void start() throws Exception {
    etcd = TestEtcd.start();
  }

  @AfterAll
  void stop() {
    etcd.close();
  }

  private EtcdControlStore store(String deployment) {
    return new EtcdControlStore(
        List.of(etcd.url), deployment, Duration.ofSeconds(2), Duration.ofMillis(1300));
  }

  private static Leadership lead(EtcdControlStore store, String id, AtomicLong token) {
    return lead(store, id, token, Duration.ofMillis(100));
  }

  private static Leadership lead(
      EtcdControlStore store, String id, AtomicLong token, Duration tick) {
    return lead(store, id, token, tick, List.of());
  }

  private static Leadership lead(
      EtcdControlStore store, String id, AtomicLong token, Duration tick, List<String> deferTo) {
    return lead(store, id, token, tick, deferTo, () -> true);
  }

  private static Leadership lead(
      EtcdControlStore store,
      String id,
      AtomicLong token,
      Duration tick,
      List<String> deferTo,
      java.util.function.BooleanSupplier mayHandOver) {
    Leadership l =
        new Leadership(
            store,
            id,
            "{\"id\":\"" + id + "\",\"api\":\"127.0.0.1:1\"}",
            Duration.ofSeconds(1),
            Duration.ofMillis(300),
            deferTo,
            new Leadership.Listener() {
              @Override
              public void gained(long t) {
                token.set(t);
              }

              @Override
              public void lost(String why) {
                token.set(0);
              }

              @Override
              public boolean mayHandOver() {
                return mayHandOver.getAsBoolean();
              }
            });
    l.start(tick);
    return l;
  }

  /** {@code store}'s replica "a", once it leads. */
  private static Leadership leading(EtcdControlStore store) {
    AtomicLong token = new AtomicLong();
    Leadership l = lead(store, "a", token);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> token.get() != 0);
    return l;
  }

  private static JournalEntry entry(String plan) {
    return new JournalEntry(
        plan,
        "step-end",
        Instant.parse("2026-12-01T00:00:00Z"),
        "fence/postgres",
        "applied",
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void aFollowerCampaignsAsSoonAsTheLeaderKeyIsGoneNotAtItsNextTick() {
    try (EtcdControlStore a = store("watched");
        EtcdControlStore b = store("watched")) {
      AtomicLong tokenA = new AtomicLong();
      AtomicLong tokenB = new AtomicLong();
      Leadership la = lead(a, "a", tokenA);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenA.get() != 0);
      // b's first tick (at once) loses; its next one is a minute away.
      Leadership lb = lead(b, "b", tokenB, Duration.ofMinutes(1));
      Awaitility.await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> tokenB.get() == 0);
      la.close(); // revokes a's lease: the leader key is deleted
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenB.get() != 0);
      lb.close();
    }
  }

  /** etcd's count of committed raft proposals (every write is one, and so is a lease expiry). */
  private long proposals() throws Exception {
    String metrics =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(etcd.url + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    return metrics
        .lines()
        .filter(l -> l.startsWith("etcd_server_proposals_committed_total "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aFollowerCampaigningEveryTickWritesNothingAfterItsFirstCampaign() throws Exception {
    try (EtcdControlStore a = store("quiet");
        EtcdControlStore b = store("quiet")) {
      AtomicLong tokenA = new AtomicLong();
      AtomicLong tokenB = new AtomicLong();
      Leadership la = lead(a, "a", tokenA);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenA.get() != 0);
      // the leases of the tests before expire: proposals too
      AtomicLong seen = new AtomicLong(proposals());
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(1500))
          .until(() -> seen.getAndSet(proposals()) == seen.get());
      Leadership lb = lead(b, "b", tokenB, Duration.ofMillis(50));
      var kv = b.etcd().client().getKVClient();
      Awaitility.await()
          .atMost(Duration.ofSeconds(2))
          .until(() -> kv.get(b.etcd().key("candidates/b")).get().getCount() == 1);
      long before = proposals();
      // Twenty ticks of campaigning and a lease renewal or two: no raft proposal at all.
      Thread.sleep(1000);
      assertThat(proposals() - before)
          .as("raft proposals during the follower's campaigns")
          .isZero();
      assertThat(kv.get(b.etcd().key("candidates/b")).get().getKvs().get(0).getVersion())
          .as("times candidates/b was put")
          .isEqualTo(1);
      assertThat(tokenB.get()).isZero();
      la.close(); // the leader key goes: b still takes over
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenB.get() != 0);
      lb.close();
    }
  }

  @Test
  void aReplicaThatDefersLetsThePreferredOneLeadThoughItStartedFirstAndLeadsWhenItGoes() {
    try (EtcdControlStore w = store("preferred");
        EtcdControlStore p = store("preferred")) {
      AtomicLong tokenW = new AtomicLong();
      AtomicLong tokenP = new AtomicLong();
      Leadership lw = lead(w, "witness", tokenW, Duration.ofMillis(100), List.of("region"));
      Awaitility.await().pollDelay(Duration.ofMillis(300)).until(() -> true);
      Leadership lp = lead(p, "region", tokenP);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenP.get() != 0);
      // Past the witness's start-up grace, it still defers to the live preferred replica.
      Awaitility.await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(3))
          .until(() -> tokenW.get() == 0);

      lp.close(); // revokes its lease: its leader and candidate keys go together
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenW.get() != 0);
      lw.close();
    }
  }

  @Test
  void aReplicaThatDefersStillLeadsWhenThePreferredOneIsAliveButNeverCampaigns() throws Exception {
    try (EtcdControlStore w = store("stuck")) {
      // The preferred replica's candidate key, on a lease something keeps alive, and no leader.
      var lease = w.etcd().client().getLeaseClient().grant(60).get();
      w.etcd()
          .client()
          .getKVClient()
          .put(
              w.etcd().key("candidates/region"),
              Etcd.bytes("{}"),
              io.etcd.jetcd.options.PutOption.builder().withLeaseId(lease.getID()).build())
          .get();
      AtomicLong tokenW = new AtomicLong();
      Leadership lw = lead(w, "witness", tokenW, Duration.ofMillis(100), List.of("region"));
      // Start-up grace (one TTL), then one TTL of a free key while deferring, then it campaigns.
      Awaitility.await().atMost(Duration.ofSeconds(6)).until(() -> tokenW.get() != 0);
      lw.close();
      w.etcd().client().getLeaseClient().revoke(lease.getID()).get();
    }
  }

  @Test
  void aLeaderThatResignsLetsAnotherLeadAndStaysInTheElection() {
    try (EtcdControlStore a = store("resign");
        EtcdControlStore b = store("resign")) {
      AtomicLong tokenA = new AtomicLong();
      AtomicLong tokenB = new AtomicLong();
      Leadership la = lead(a, "a", tokenA);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenA.get() != 0);
      Leadership lb = lead(b, "b", tokenB);

      la.resign(tokenA.get(), "could not start");
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenB.get() != 0);
      assertThat(tokenA.get()).isZero();

      lb.close(); // a, still campaigning, takes the lead again
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenA.get() != 0);
      la.close();
    }
  }

  @Test
  void aDeferringLeaderHandsTheLeadToThePreferredReplicaOnceItIsBackAndSteadyAndIdle() {
    try (EtcdControlStore w = store("handover");
        EtcdControlStore p = store("handover")) {
      AtomicLong tokenW = new AtomicLong();
      AtomicLong tokenP = new AtomicLong();
      java.util.concurrent.atomic.AtomicBoolean idle =
          new java.util.concurrent.atomic.AtomicBoolean(false);
      Leadership lw =
          lead(w, "witness", tokenW, Duration.ofMillis(100), List.of("region"), idle::get);
      // No preferred replica yet: the witness leads after its start-up grace.
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenW.get() != 0);
      Leadership lp = lead(p, "region", tokenP);
      // A plan is running: the witness keeps the lead though the preferred replica is steady.
      Awaitility.await()
          .during(Duration.ofMillis(3500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> tokenW.get() != 0 && tokenP.get() == 0);

      idle.set(true);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenP.get() != 0);
      assertThat(tokenW.get()).isZero();
      lp.close();
      lw.close();
    }
  }

  @Test
  void aReplicaCannotDeferToItself() {
    try (EtcdControlStore s = store("self")) {
      assertThatThrownBy(
              () ->
                  new Leadership(
                      s,
                      "a",
                      "{}",
                      Duration.ofSeconds(1),
                      Duration.ZERO,
                      List.of("a"),
                      new Leadership.Listener() {
                        @Override
                        public void gained(long token) {}

                        @Override
                        public void lost(String why) {}
                      }))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("defer-to: 'a'");
    }
  }

  @Test
  void aFollowerWhoseLeaseExpiredStillTakesOverWhenTheLeaderGoes() {
    try (EtcdControlStore a = store("expired");
        EtcdControlStore b = store("expired")) {
      AtomicLong tokenA = new AtomicLong();
      AtomicLong tokenB = new AtomicLong();
      Leadership la = lead(a, "a", tokenA);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenA.get() != 0);
      Leadership lb = lead(b, "b", tokenB);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lb.lease() != 0);
      // b's lease is gone as if b had been cut from etcd for a TTL: etcd now answers "not found".
      a.etcd().await("revoke b's lease", a.etcd().client().getLeaseClient().revoke(lb.lease()));
      la.close();
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenB.get() != 0);
      lb.close();
    }
  }

  @Test
  void aDeposedLeaderCanAppendNothingAndItsSuccessorContinuesTheJournal() {
    try (EtcdControlStore a = store("deposed");
        EtcdControlStore b = store("deposed")) {
      AtomicLong tokenA = new AtomicLong();
      AtomicLong tokenB = new AtomicLong();
      Leadership la = lead(a, "a", tokenA);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenA.get() != 0);
      Leadership lb = lead(b, "b", tokenB);
      a.journal().append(entry("p1"));
      assertThatThrownBy(() -> b.journal().append(entry("p-b")))
          .isInstanceOf(JournalException.class);

      // a's lease is gone (revoked as a crashed leader's would expire); b takes over.
      la.close();
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> tokenB.get() != 0);
      // a still thinks nothing of it: its writes are refused by the leader-key comparison.
      a.lead(tokenA.get() == 0 ? 1 : tokenA.get());
      assertThatThrownBy(() -> a.journal().append(entry("zombie")))
          .isInstanceOf(JournalException.class);
      b.journal().append(entry("p2"));

      assertThat(b.journal().read()).extracting(JournalEntry::plan).containsExactly("p1", "p2");
      lb.close();
    }
  }

  @Test
  void anAppendWhoseAnswerWasLostIsSentAgainAndTheEntryIsWrittenOnce() {
    try (EtcdControlStore a = store("lost-answer");
        Leadership l = leading(a)) {
      AtomicInteger sent = new AtomicInteger();
      // The first transaction reaches etcd and commits, but its answer never comes back.
      EtcdJournal journal =
          new EtcdJournal(
              a.etcd(),
              a::guard,
              txn -> {
                CompletableFuture<TxnResponse> answer = txn.commit();
                return sent.getAndIncrement() == 0 ? new CompletableFuture<>() : answer;
              });

      journal.append(entry("p1"));
      journal.append(entry("p2"));

      assertThat(sent).hasValue(3);
      assertThat(journal.read()).extracting(JournalEntry::plan).containsExactly("p1", "p2");
    }
  }

  @Test
  void anAppendThatNeverGetsAnAnswerFailsAfterItsSecondAttemptAndWritesNothing() {
    try (EtcdControlStore a = store("no-answer");
        Leadership l = leading(a)) {
      AtomicInteger sent = new AtomicInteger();
      // Neither of the first two transactions reaches etcd.
      EtcdJournal journal =
          new EtcdJournal(
              a.etcd(),
              a::guard,
              txn -> sent.getAndIncrement() < 2 ? new CompletableFuture<>() : txn.commit());

      assertThatThrownBy(() -> journal.append(entry("lost")))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("cannot append entry 0 (2 attempts)");
      journal.append(entry("p1"));

      assertThat(journal.read()).extracting(JournalEntry::plan).containsExactly("p1");
    }
  }

  @Test
  void theWriterTermAdvancesOncePerPlanAndDiscoveryNeverGoesBack() {
    try (EtcdControlStore s = store("term")) {
      AtomicLong token = new AtomicLong();
      Leadership l = lead(s, "only", token);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> token.get() != 0);

      WriterRecord first = s.writer(WriterRecord.initial("us-west-2"));
      WriterRecord moved = s.advanceTerm("us-east-1", "failover-1");
      WriterRecord again = s.advanceTerm("us-east-1", "failover-1");
      s.saveDiscovery(new DiscoveryRecord(7, "us-east-1", moved.term()));

      assertThat(first).isEqualTo(new WriterRecord("us-west-2", 1, null));
      assertThat(moved).isEqualTo(new WriterRecord("us-east-1", 2, "failover-1"));
      assertThat(again).isEqualTo(moved);
      assertThat(s.writer(WriterRecord.initial("us-west-2"))).isEqualTo(moved);
      assertThat(s.discovery()).contains(new DiscoveryRecord(7, "us-east-1", 2));
      l.close();
    }
  }

  @Test
  void theGateMovesTheWriterAndReadsTheOldAuthorityInOneTransactionEvenWithAStaleCache()
      throws Exception {
    try (EtcdControlStore s = store("gate");
        EtcdControlStore other = store("gate")) {
      AtomicLong token = new AtomicLong();
      Leadership l = lead(s, "gate", token);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> token.get() != 0);
      s.writer(WriterRecord.initial("us-west-2")); // caches the writer's revision
      // An agent holds us-west-2's authority on a lease.
      var kv = s.etcd().client().getKVClient();
      var lease = s.etcd().client().getLeaseClient().grant(30).get();
      kv.put(
              s.etcd().key("authority/us-west-2"),
              Etcd.bytes("{\"agent\":\"agent-us-west-2\",\"term\":1}"),
              io.etcd.jetcd.options.PutOption.builder().withLeaseId(lease.getID()).build())
          .get();
      // Someone else (a former leader) moved the writer meanwhile: the cached revision is stale.
      kv.put(
              s.etcd().key("writer"),
              Etcd.bytes("{\"region\":\"us-west-2\",\"term\":5,\"plan\":\"old\"}"))
          .get();

      ControlStore.TermAdvance moved = s.advanceTerm("us-west-2", "us-east-1", "failover-9");

      assertThat(moved.writer()).isEqualTo(new WriterRecord("us-east-1", 6, "failover-9"));
      assertThat(moved.oldAuthority()).isPresent();
      assertThat(moved.oldAuthority().get().leaseId()).isEqualTo(lease.getID());
      assertThat(moved.oldAuthority().get().agent()).isEqualTo("agent-us-west-2");
      // Idempotent per plan; the authority is gone once revoked.
      s.revoke(moved.oldAuthority().get());
      ControlStore.TermAdvance again = s.advanceTerm("us-west-2", "us-east-1", "failover-9");
      assertThat(again.writer()).isEqualTo(moved.writer());
      assertThat(again.oldAuthority()).isEmpty();
      // A replica that does not lead cannot move it.
      assertThatThrownBy(() -> other.advanceTerm("us-east-1", "us-west-2", "failover-10"))
          .isInstanceOf(CoordinationException.class);
      l.close();
    }
  }

  @Test
  void asynchronousAppendsKeepTheirOrderAndADeposedLeadersAppendFailsItsFuture() throws Exception {
    try (EtcdControlStore s = store("async")) {
      AtomicLong token = new AtomicLong();
      Leadership l = lead(s, "async", token);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> token.get() != 0);
      var first = s.journal().appendAsync(entry("p1"));
      var second = s.journal().appendAsync(entry("p2"));
      var third = s.journal().appendAsync(entry("p3"));
      java.util.concurrent.CompletableFuture.allOf(first, second, third).get();
      assertThat(s.journal().read())
          .extracting(JournalEntry::plan)
          .containsExactly("p1", "p2", "p3");

      l.close();
      s.lead(token.get() == 0 ? 1 : token.get()); // a zombie that still thinks it leads
      var zombie = s.journal().appendAsync(entry("zombie"));
      assertThatThrownBy(zombie::get).hasCauseInstanceOf(JournalException.class);
    }
  }

  @Test
  void aWatchTellsWhenARegionsAuthorityIsGoneAndWhenItIsBack() throws Exception {
    try (EtcdControlStore s = store("watch")) {
      var kv = s.etcd().client().getKVClient();
      var lease = s.etcd().client().getLeaseClient().grant(30).get();
      ByteSequenceHolder key = new ByteSequenceHolder(s.etcd().key("authority/us-west-2"));
      kv.put(
              key.value,
              Etcd.bytes("{\"agent\":\"a\",\"term\":1}"),
              io.etcd.jetcd.options.PutOption.builder().withLeaseId(lease.getID()).build())
          .get();
      assertThat(s.authorityKnownGone("us-west-2")).isFalse();

      s.etcd().client().getLeaseClient().revoke(lease.getID()).get();
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> s.authorityKnownGone("us-west-2"));
      assertThat(s.authorityKnownGone("us-east-1")).isFalse(); // never seen: not known

      kv.put(key.value, Etcd.bytes("{\"agent\":\"a\",\"term\":2}")).get();
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !s.authorityKnownGone("us-west-2"));
    }
  }

  private record ByteSequenceHolder(io.etcd.jetcd.ByteSequence value) {}

  @Test
  void aReplicaThatDoesNotLeadWritesNothing() {
    try (EtcdControlStore s = store("follower")) {
      assertThatThrownBy(() -> s.saveDiscovery(new DiscoveryRecord(1, "us-west-2", 1)))
          .isInstanceOf(CoordinationException.class)
          .hasMessageContaining("not the leader");
    }
  }
}
