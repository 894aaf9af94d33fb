package io.summit.dr.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.summit.dr.replication.StoreResult;
import io.summit.dr.replication.redis.RedisAdapter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent against a real 3-member etcd cluster and a real Redis primary (fenced through the real
 * {@link RedisAdapter}). Measured times are logged on lines starting with {@code measured:}.
 */
class RegionAgentEtcdTest {
  private static final Logger LOG = LoggerFactory.getLogger(RegionAgentEtcdTest.class);
  private static final Duration TTL = AgentConfig.DEFAULT_LEASE_TTL;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String WRITER = "/summit-dr/it/writer";
  private static final String AUTHORITY = "/summit-dr/it/authority/us-west-2";

  @TempDir Path dir;
  private EtcdCluster etcd;
  private RedisProcess redis;
  private RedisAdapter adapter;
  private Coordination coordination;
  private Client client;
  private ScheduledExecutorService scheduler;
  private RegionAgent agent;

  @BeforeEach
  void setUp() throws Exception {
    etcd = EtcdCluster.start(dir);
    redis = RedisProcess.start(dir);
    adapter = redisAdapter();
    coordination = Coordination.etcd(etcd.endpoints(), AgentConfig.DEFAULT_REQUEST_TIMEOUT);
    client = Client.builder().endpoints(etcd.endpoints()).build();
    scheduler = Executors.newScheduledThreadPool(3);
    agent =
        new RegionAgent(
            AgentConfig.of("it", "us-west-2"),
            coordination,
            List.of(adapter),
            System::nanoTime,
            Clock.systemUTC(),
            scheduler);
  }

  @AfterEach
  void tearDown() {
    agent.close();
    scheduler.shutdownNow();
    client.close();
    coordination.close();
    adapter.close();
    redis.close();
    etcd.close();
  }

  @Test
  void agentHoldsAuthorityWhileItsRegionIsTheWriter() throws Exception {
    putWriter("us-west-2", 1);
    agent.start();
    long lease = awaitHolding();

    // Three TTLs later the same lease still carries the key: it was renewed all along.
    await().pollDelay(TTL.multipliedBy(3)).atMost(WAIT).until(() -> true);
    assertThat(leaseOfKey(AUTHORITY)).contains(lease);
    LeaseTimeToLiveResponse ttl =
        client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS);
    assertThat(ttl.getGrantedTTL()).isEqualTo(TTL.toSeconds());
    assertThat(ttl.getTTL()).isNotNegative(); // -1 once expired; whole seconds, so 0 is alive
    assertThat(redis.writeError()).isEmpty();
    assertThat(agent.status().state()).isEqualTo(AgentState.HOLDING);
    assertThat(agent.status().lastRenewalAgeMillis()).isLessThan(600);

    try (AgentServer server = new AgentServer(agent, new InetSocketAddress("127.0.0.1", 0))) {
      server.start();
      String json = httpGet(server, "/v1/agent");
      assertThat(json)
          .contains("\"region\":\"us-west-2\"", "\"state\":\"holding\"", "\"lease_id\":" + lease);
      assertThat(httpGet(server, "/metrics"))
          .contains("summit_dr_agent_state{region=\"us-west-2\",state=\"holding\"} 1.0");
      assertThat(httpGet(server, "/healthz")).isEqualTo("ok\n");
    }
  }

  @Test
  void agentFencesItsPrimaryWhenItCannotRenewBeforeItsDeadline() throws Exception {
    putWriter("us-west-2", 1);
    agent.start();
    awaitHolding();

    long paused = System.nanoTime();
    etcd.pause("etcd-us-east-1");
    etcd.pause("etcd-witness");
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> agent.status().state() == AgentState.FENCED_SELF);
      long fenced = System.nanoTime();
      assertThat(redis.writeError())
          .hasValueSatisfying(e -> assertThat(e).startsWith("NOREPLICAS"));
      AgentStatus s = agent.status();
      assertThat(s.fencedStores()).containsExactly(adapter.id());
      assertThat(s.lastLapseToFenceMillis()).isNotNull().isLessThan(TTL.toMillis());
      LOG.info(
          "measured: last successful renewal send -> Redis fenced = {} ms (TTL {} ms, deadline at"
              + " {} ms); quorum lost -> fenced = {} ms",
          s.lastLapseToFenceMillis(),
          TTL.toMillis(),
          TTL.toMillis() - s.fenceBudgetMillis(),
          (fenced - paused) / 1_000_000);
    } finally {
      etcd.resume("etcd-us-east-1");
      etcd.resume("etcd-witness");
    }
  }

  /**
   * The lab's partition witness <-> us-west-2 alone: two of the agent's three endpoints hang (its
   * own member cut from the leader, the member behind the cut link), one works. With one client
   * balancing round-robin two renewals in three were lost, successes came ~750 ms apart, past the
   * deadline, and the agent fenced the writer. Here one non-leader member is SIGSTOPped and the
   * link to the other non-leader is cut (open, forwarding nothing); etcd keeps its quorum.
   */
  @Test
  void aPartitionOfOneEtcdMemberNeverFencesTheWriter() throws Exception {
    List<CuttableLink> links = new ArrayList<>();
    for (URI member : etcd.endpoints()) {
      links.add(CuttableLink.to(member));
    }
    String leader = leaderName();
    List<String> followers = EtcdCluster.NAMES.stream().filter(n -> !n.equals(leader)).toList();
    try (Coordination throughLinks =
            Coordination.etcd(
                links.stream().map(CuttableLink::uri).toList(),
                AgentConfig.DEFAULT_REQUEST_TIMEOUT);
        RegionAgent partitioned =
            new RegionAgent(
                AgentConfig.of("it", "us-west-2"),
                throughLinks,
                List.of(adapter),
                System::nanoTime,
                Clock.systemUTC(),
                scheduler)) {
      putWriter("us-west-2", 1);
      partitioned.start();
      await().atMost(WAIT).until(() -> partitioned.status().state() == AgentState.HOLDING);

      etcd.pause(followers.get(0));
      links.get(EtcdCluster.NAMES.indexOf(followers.get(1))).cut();
      try {
        long maxAge = maxRenewalAgeDuring(partitioned, TTL.multipliedBy(3));
        long deadline = TTL.toMillis() - AgentConfig.DEFAULT_FENCE_BUDGET.toMillis();
        LOG.info(
            "measured: {} paused, link to {} cut, leader {}: max renewal age over {} ms = {} ms"
                + " (deadline {} ms)",
            followers.get(0),
            followers.get(1),
            leader,
            TTL.multipliedBy(3).toMillis(),
            maxAge,
            deadline);
        assertThat(partitioned.status().fences()).isZero();
        assertThat(partitioned.status().state()).isEqualTo(AgentState.HOLDING);
        assertThat(redis.writeError()).isEmpty();
        assertThat(maxAge).isLessThan(deadline);
      } finally {
        etcd.resume(followers.get(0));
      }
    } finally {
      for (CuttableLink link : links) {
        link.close();
      }
    }
  }

  @Test
  void onePausedMemberOfThreeNeverFencesTheWriter() throws Exception {
    putWriter("us-west-2", 1);
    agent.start();
    awaitHolding();
    String leader = leaderName();
    String follower =
        EtcdCluster.NAMES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
    etcd.pause(follower);
    try {
      long maxAge = maxRenewalAgeDuring(agent, TTL.multipliedBy(3));
      LOG.info("measured: {} paused: max renewal age over 3 TTL = {} ms", follower, maxAge);
      assertThat(agent.status().fences()).isZero();
      assertThat(maxAge).isLessThan(TTL.toMillis() - AgentConfig.DEFAULT_FENCE_BUDGET.toMillis());
    } finally {
      etcd.resume(follower);
    }
  }

  /** The largest age of the agent's last successful renewal seen, polled every 5 ms. */
  private static long maxRenewalAgeDuring(RegionAgent agent, Duration period) {
    long end = System.nanoTime() + period.toNanos();
    long[] max = {0};
    await()
        .atMost(period.plus(WAIT))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              Long age = agent.status().lastRenewalAgeMillis();
              max[0] = Math.max(max[0], age == null ? Long.MAX_VALUE : age);
              return System.nanoTime() - end >= 0;
            });
    return max[0];
  }

  /** The name of the member etcd's leader is now. */
  private String leaderName() throws Exception {
    for (int i = 0; i < EtcdCluster.NAMES.size(); i++) {
      URI uri = etcd.endpoints().get(i);
      try (Client one = Client.builder().endpoints(uri).build()) {
        var status =
            one.getMaintenanceClient().statusMember(uri.toString()).get(5, TimeUnit.SECONDS);
        if (status.getLeader() == status.getHeader().getMemberId()) {
          return EtcdCluster.NAMES.get(i);
        }
      }
    }
    throw new IllegalStateException("etcd: no member says it leads");
  }

  @Test
  void agentRegainsTheLeaseAndUnfencesWhenQuorumReturns() throws Exception {
    putWriter("us-west-2", 1);
    agent.start();
    long oldLease = awaitHolding();
    etcd.pause("etcd-us-west-2");
    etcd.pause("etcd-us-east-1");
    try {
      await().atMost(WAIT).until(() -> agent.status().state() == AgentState.FENCED_SELF);
      assertThat(redis.writeError()).isPresent();
    } finally {
      etcd.resume("etcd-us-west-2");
      etcd.resume("etcd-us-east-1");
    }
    long resumed = System.nanoTime();

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () ->
                agent.status().state() == AgentState.HOLDING
                    && agent.status().fencedStores().isEmpty());
    long unfenced = System.nanoTime();

    AgentStatus s = agent.status();
    assertThat(s.leaseId()).isNotEqualTo(oldLease);
    assertThat(leaseOfKey(AUTHORITY)).contains(s.leaseId());
    assertThat(redis.writeError()).isEmpty();
    LOG.info(
        "measured: SIGCONT -> Redis unfenced = {} ms; new grant sent -> unfenced = {} ms",
        (unfenced - resumed) / 1_000_000,
        s.lastRegainToUnfenceMillis());
  }

  @Test
  void aRevokedLeaseMakesTheAgentFence() throws Exception {
    putWriter("us-west-2", 1);
    agent.start();
    long lease = awaitHolding();

    long revoked = System.nanoTime();
    client.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> agent.status().fences() == 1);
    LOG.info(
        "measured: lease revoked -> Redis fenced = {} ms",
        (System.nanoTime() - revoked) / 1_000_000);
    // The writer still names us-west-2 with the same term (rule 3): a new lease, the fence undone.
    await()
        .atMost(WAIT)
        .until(
            () ->
                agent.status().state() == AgentState.HOLDING
                    && agent.status().fencedStores().isEmpty());
    assertThat(agent.status().leaseId()).isNotEqualTo(lease);
    assertThat(redis.writeError()).isEmpty();
  }

  @Test
  void aStoreTheOrchestratorFencedBeforeRevokingStaysFencedWhenTheAgentRegains() throws Exception {
    putWriter("us-west-2", 1);
    agent.start();
    long lease = awaitHolding();

    try (RedisAdapter orchestrator = redisAdapter()) {
      assertThat(orchestrator.fence()).isInstanceOf(StoreResult.Applied.class);
    }
    client.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);

    await()
        .atMost(WAIT)
        .until(() -> agent.status().fences() == 1 && agent.status().state() == AgentState.HOLDING);
    assertThat(agent.status().fencedStores()).isEmpty();
    assertThat(redis.writeError()).hasValueSatisfying(e -> assertThat(e).startsWith("NOREPLICAS"));
  }

  @Test
  void whenAnotherRegionIsTheWriterTheAgentHoldsNoKeyAndFencesBeforeReleasing() throws Exception {
    putWriter("us-east-1", 2);
    agent.start();

    await()
        .during(TTL.multipliedBy(2))
        .atMost(WAIT)
        .until(
            () ->
                agent.status().state() == AgentState.STANDBY
                    && get(AUTHORITY).getKvs().isEmpty()
                    && redis.writeError().isEmpty());
    assertThat(agent.status().writerRegion()).isEqualTo("us-east-1");

    // A writer that moves away while the agent holds: the store is fenced, then the key goes (the
    // orchestrator's gate reads the key's disappearance as "no writer left here").
    putWriter("us-west-2", 3);
    awaitHolding();
    putWriter("us-east-1", 4);
    await()
        .atMost(WAIT)
        .until(
            () ->
                agent.status().state() == AgentState.STANDBY && get(AUTHORITY).getKvs().isEmpty());
    assertThat(redis.writeError()).hasValueSatisfying(e -> assertThat(e).startsWith("NOREPLICAS"));
    assertThat(agent.status().fences()).isZero(); // not a self-fence: no lease was lost
  }

  @Test
  void theAuthorityKeyOutlivesTheAgentsLastRenewalByAtLeastTheTtl() throws Exception {
    putWriter("us-west-2", 1);
    agent.start();
    awaitHolding();
    await().pollDelay(Duration.ofMillis(600)).atMost(WAIT).until(() -> true);

    long before = System.nanoTime();
    agent.close(); // renewals stop; the agent never revokes
    long closed = System.nanoTime();
    long age = Objects.requireNonNull(agent.status().lastRenewalAgeMillis());
    long lastSend = closed - TimeUnit.MILLISECONDS.toNanos(age + 1) - (closed - before);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> get(AUTHORITY).getKvs().isEmpty());
    long gone = System.nanoTime();

    long outlived = (gone - lastSend) / 1_000_000;
    LOG.info(
        "measured: last renewal send -> authority key gone from etcd = {} ms (TTL {} ms)",
        outlived,
        TTL.toMillis());
    assertThat(outlived).isGreaterThanOrEqualTo(TTL.toMillis());
  }

  @Test
  void agentMainWiresTheAgentToEtcdItsStoresAndItsApi() throws Exception {
    client
        .getKVClient()
        .put(bytes("/summit-dr/summit/writer"), bytes(new Writer("us-west-2", 1).toJson()))
        .get(5, TimeUnit.SECONDS); // the example topology is named summit
    Path topology = Path.of("../examples/summit.yaml");
    String etcdUrls = String.join(",", etcd.endpoints().stream().map(URI::toString).toList());
    AgentMain.Options options =
        AgentMain.parse(
            new String[] {
              "--config",
              topology.toString(),
              "--region",
              "us-west-2",
              "--etcd",
              etcdUrls,
              "--listen",
              "127.0.0.1:" + EtcdCluster.freePorts(1)[0],
              "--store",
              "redis=" + redis.endpoint()
            });
    AgentConfig config =
        AgentMain.config(options, io.summit.dr.topology.TopologyLoader.load(topology));

    try (AgentMain.Running running =
        AgentMain.run(options, config, io.summit.dr.topology.TopologyLoader.load(topology))) {
      await().atMost(WAIT).until(() -> running.agent().status().state() == AgentState.HOLDING);
      assertThat(httpGet(running.server(), "/v1/agent"))
          .contains("\"state\":\"holding\"", "\"writer_region\":\"us-west-2\"", "\"term\":1");
      assertThat(get("/summit-dr/summit/authority/us-west-2").getKvs()).hasSize(1);
    }
  }

  private long awaitHolding() {
    await().atMost(WAIT).until(() -> agent.status().state() == AgentState.HOLDING);
    long lease = Objects.requireNonNull(agent.status().leaseId());
    await().atMost(WAIT).until(() -> leaseOfKey(AUTHORITY).equals(Optional.of(lease)));
    return lease;
  }

  private RedisAdapter redisAdapter() {
    return new RedisAdapter(
        "redis@us-west-2", redis.endpoint(), Clock.systemUTC(), Duration.ofSeconds(1), e -> e);
  }

  private void putWriter(String region, long term) throws Exception {
    client
        .getKVClient()
        .put(bytes(WRITER), bytes(new Writer(region, term).toJson()))
        .get(5, TimeUnit.SECONDS);
  }

  private Optional<Long> leaseOfKey(String key) throws Exception {
    return get(key).getKvs().stream().findFirst().map(kv -> kv.getLease());
  }

  private GetResponse get(String key) throws Exception {
    return client.getKVClient().get(bytes(key)).get(5, TimeUnit.SECONDS);
  }

  private static String httpGet(AgentServer server, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
