package io.summit.dr.lab.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.summit.dr.lab.Lab;
import io.summit.dr.lab.LabLayout;
import io.summit.dr.lab.TestLabs;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.StoreAdapter;
import io.summit.dr.topology.StoreKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real lab of {@code examples/lab-zones.yaml} (PostgreSQL on two nodes per region, the second a
 * synchronous standby in another zone; Redis likewise, the second an asynchronous replica; region
 * agents, etcd and the orchestrators; no services): the writer zone killed with writes in flight
 * loses none of them and moves no writer region, and Redis's endpoint follows to its replica, which
 * takes writes; the returning zone's nodes rejoin as standbys; a partition between the two zones
 * leaves one primary of each store and, under the {@code wait} policy, holds commits until it
 * heals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZoneFailoverLabTest {
  private static final String WEST = "us-west-2";

  private Lab lab;
  private Api api;
  private Endpoint endpoint;

  @BeforeAll
  void up() throws Exception {
    lab = TestLabs.prepareExample("zones-test", "lab-zones.yaml");
    lab.up(
        TestLabs.config(lab),
        line -> {},
        kind -> List.of("etcd", "agent", "orchestrator", "observer").contains(kind));
    api = new Api(lab);
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/status").status() == 200);
    endpoint = LabLayout.of(lab.topology()).store(StoreKind.POSTGRES, WEST);
    awaitBothZonesServing();
  }

  @AfterAll
  void down() {
    if (lab != null) {
      TestLabs.down(lab);
    }
  }

  private void awaitBothZonesServing() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(lab.zoneStandbyProblems()).isEmpty());
  }

  @Test
  @Order(1)
  void theWriterZonesLossWithWritesInFlightLosesNoneAndKeepsTheWriterRegion() throws Exception {
    assertThat(lab.writerZone(WEST)).contains("us-west-2a");
    try (Writes writes = new Writes(endpoint)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> writes.acked.size() > 100);
      lab.crashZone("us-west-2a");
      int atFault = writes.acked.size();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> writes.acked.size() > atFault + 100);
      writes.stop();
      assertThat(lab.writerZone(WEST)).contains("us-west-2b");
      assertThat(writes.missing()).isEmpty();
      assertThat(writes.acked).hasSizeGreaterThan(atFault + 100);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              assertThat(lab.component("redis-" + WEST).name()).isEqualTo("redis-us-west-2b");
              try (StoreAdapter redis = lab.adapter("redis-" + WEST, Duration.ofSeconds(2))) {
                assertThat(redis.verifyWrite().succeeded())
                    .as("a write through the endpoint")
                    .isTrue();
              }
            });
    assertThat(api.get("/v1/status").body().path("writer_region").asText()).isEqualTo(WEST);
    assertThat(api.get("/v1/plans").body().path("plans")).isEmpty();
  }

  @Test
  @Order(2)
  void theReturningZonesNodeRejoinsAsTheSynchronousStandby() {
    lab.restartZone("us-west-2a");
    awaitBothZonesServing();
    assertThat(lab.writerZone(WEST)).contains("us-west-2b");
  }

  @Test
  @Order(3)
  void aPartitionBetweenTheZonesLeavesOnePrimaryAndHoldsCommitsUntilItHeals() throws Exception {
    try (Writes writes = new Writes(endpoint)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> writes.acked.size() > 20);
      lab.partitionZones("us-west-2a", "us-west-2b");
      // Commits that wait for the standby's flush cannot be acknowledged across the cut link; the
      // ones already past it may be. After a second nothing more is acknowledged.
      Thread.sleep(1_000);
      int held = writes.acked.size();
      Thread.sleep(2_000);
      assertThat(writes.acked.size())
          .as("commits acknowledged during the partition")
          .isEqualTo(held);
      assertThat(primaries()).as("primaries in " + WEST).isEqualTo(1);
      assertThat(redisPrimaries()).as("Redis primaries in " + WEST).isEqualTo(1);
      lab.heal();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> writes.acked.size() > held + 50);
      writes.stop();
      assertThat(writes.missing()).isEmpty();
    }
    assertThat(lab.writerZone(WEST)).contains("us-west-2b");
    assertThat(api.get("/v1/plans").body().path("plans")).isEmpty();
  }

  /** How many of the region's two zone nodes are primaries. */
  private int primaries() throws SQLException {
    LabLayout layout = LabLayout.of(lab.topology());
    int n = 0;
    for (int zone = 0; zone < 2; zone++) {
      try (Connection c = open(layout.zoneNode(WEST, zone));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select pg_is_in_recovery()")) {
        rs.next();
        n += rs.getBoolean(1) ? 0 : 1;
      }
    }
    return n;
  }

  /** How many of the region's two Redis zone nodes are primaries. */
  private int redisPrimaries() {
    LabLayout layout = LabLayout.of(lab.topology());
    int n = 0;
    for (int zone = 0; zone < 2; zone++) {
      Endpoint at = layout.zoneNode(StoreKind.REDIS, WEST, zone);
      io.lettuce.core.RedisClient client =
          io.lettuce.core.RedisClient.create(
              io.summit.dr.replication.redis.RedisAdapter.sharedResources());
      try (var c =
          client.connect(
              io.lettuce.core.RedisURI.create("redis://" + at.host() + ":" + at.port()))) {
        n += c.sync().info("replication").contains("role:master") ? 1 : 0;
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      }
    }
    return n;
  }

  private static Connection open(Endpoint at) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://" + at + "/postgres?user=postgres&connectTimeout=2&socketTimeout=5");
  }

  /**
   * Inserts numbered rows through the region endpoint one after another, reconnecting after an
   * error, and remembers each acknowledged one.
   */
  private static final class Writes implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();
    final List<Long> acked = new CopyOnWriteArrayList<>();
    private final Endpoint at;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Writes(Endpoint at) {
      this.at = at;
      this.thread = Thread.ofVirtual().start(this::loop);
    }

    private void loop() {
      while (running.get()) {
        try (Connection c = open(at)) {
          try (Statement s = c.createStatement()) {
            s.execute("create table if not exists zone_acked (id bigint primary key)");
          }
          try (PreparedStatement insert = c.prepareStatement("insert into zone_acked values (?)")) {
            while (running.get()) {
              long id = IDS.incrementAndGet();
              insert.setLong(1, id);
              insert.executeUpdate();
              acked.add(id);
            }
          }
        } catch (SQLException e) {
          java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(Duration.ofSeconds(10));
    }

    /** The acknowledged ids the table does not hold now, read through the region endpoint. */
    Set<Long> missing() throws SQLException {
      Set<Long> held = new HashSet<>();
      try (Connection c = open(at);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select id from zone_acked")) {
        while (rs.next()) {
          held.add(rs.getLong(1));
        }
      }
      Set<Long> missing = new HashSet<>(acked);
      missing.removeAll(held);
      return missing;
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
