package io.summit.dr.workload.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import io.summit.dr.workload.service.ServiceCalls.Reply;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Registers on a Multi-AZ PostgreSQL store ({@code examples/lab-zones.yaml}): real servers laid out
 * as the zoned lab lays them out — us-west-2's writer, its synchronous standby in the second zone
 * (named in the writer's {@code synchronous_standby_names}), and us-east-1's replica cascading from
 * that standby. {@code remote_apply} waits for the zone standby only; a register write must still
 * not be acknowledged before the other region has applied it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZonedRegistersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private TestNode west;
  private TestNode westStandby;
  private TestNode east;
  private FakeDiscovery discovery;
  private WorkloadService service;
  private ServiceCalls calls;

  @BeforeAll
  void start() throws Exception {
    west = TestNode.start("zoned-west-a");
    westStandby = TestNode.startReplicaOf("zoned_west_b", west);
    east = TestNode.startReplicaOf("zoned_east_a", westStandby); // cascading, as in the lab
    try (Connection c = west.sql();
        Statement s = c.createStatement()) {
      s.execute("alter system set synchronous_standby_names = 'FIRST 1 (\"node_zoned_west_b\")'");
      s.execute("select pg_reload_conf()");
    }
    discovery = new FakeDiscovery();
    discovery.publish("us-west-2", west, east);
    Topology topology = TopologyLoader.load(Path.of("..", "examples", "lab-zones.yaml"));
    service = ServiceCalls.start(topology, "us-west-2", "zoned-registers-test", discovery);
    calls = ServiceCalls.of(service, Duration.ofSeconds(15));
    calls.awaitWriter("us-west-2");
    await().atMost(Duration.ofSeconds(30)).until(this::bothStreaming);
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {service, discovery, east, westStandby, west}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // the next one still closes
        }
      }
    }
  }

  private static boolean query(TestNode node, String sql) throws Exception {
    try (Connection c = node.sql();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** The zone standby streams synchronously and the cross-region replica streams from it. */
  private boolean bothStreaming() throws Exception {
    return query(west, RegisterStore.ZONE_STANDBY_OR_NONE_REQUIRED)
        && query(west, "select count(*) > 0 from pg_stat_replication where sync_state = 'sync'")
        && query(east, RegisterStore.REPLICA_STREAMING);
  }

  @Test
  void anAcknowledgedWriteIsAlreadyAppliedInTheOtherRegionAndAStrongReadSeesIt() throws Exception {
    for (long v = 1; v <= 20; v++) {
      Reply w = calls.call("PUT", "/registers/zoned", "{\"value\":" + v + "}");
      assertThat(w.status()).as(w.body().toString()).isEqualTo(200);
      // the zone standby's remote_apply alone would not promise this; the replica's replay does
      assertThat(ServiceCalls.register(east, "zoned")).hasValue(v);
    }
    Reply r = calls.call("GET", "/registers/zoned?read=strong", null);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.body().path("value").asLong()).isEqualTo(20);
  }

  @Test
  void aReplicaThatStopsReplayingLeavesTheWriteUnknownNotAcknowledged() throws Exception {
    assertThat(calls.call("PUT", "/registers/paused", "{\"value\":1}").status()).isEqualTo(200);
    try (Connection c = east.sql();
        Statement s = c.createStatement()) {
      s.execute("select pg_wal_replay_pause()");
    }
    try {
      // the zone standby applies it and the replica still streams: only its replay is missing
      Reply unknown = calls.call("PUT", "/registers/paused", "{\"value\":2}");
      assertThat(unknown.status()).as(unknown.body().toString()).isEqualTo(503);
      assertThat(unknown.body().has("written")).as(unknown.body().toString()).isFalse();
      assertThat(unknown.body().path("error").asText()).contains("outcome unknown");
      assertThat(ServiceCalls.register(westStandby, "paused"))
          .hasValue(2); // committed in the writer's region
      assertThat(ServiceCalls.register(east, "paused")).hasValue(1);
      Reply strong = calls.call("GET", "/registers/paused?read=strong", null);
      assertThat(strong.status())
          .as("a strong read must not return a value the other region has not applied")
          .isEqualTo(503);
    } finally {
      try (Connection c = east.sql();
          Statement s = c.createStatement()) {
        s.execute("select pg_wal_replay_resume()");
      }
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ServiceCalls.register(east, "paused").equals(OptionalLong.of(2)));
    assertThat(calls.call("PUT", "/registers/paused", "{\"value\":3}").status()).isEqualTo(200);
    assertThat(ServiceCalls.register(east, "paused")).hasValue(3);
  }

  @Test
  void aSilentReplicaInTheOtherRegionRefusesTheWriteAsNotWritten() throws Exception {
    assertThat(calls.call("PUT", "/registers/silent", "{\"value\":1}").status()).isEqualTo(200);
    east.signalPostgres("STOP");
    try {
      // the zone standby streams, so remote_apply alone would acknowledge this write
      Reply refused = calls.call("PUT", "/registers/silent", "{\"value\":2}");
      assertThat(refused.status()).as(refused.body().toString()).isEqualTo(503);
      assertThat(refused.body().path("written").asBoolean(true))
          .as(refused.body().toString())
          .isFalse();
      assertThat(refused.body().path("error").asText()).contains("no replica streaming");
      assertThat(ServiceCalls.register(west, "silent")).hasValue(1);
    } finally {
      east.signalPostgres("CONT");
    }
    await().atMost(Duration.ofSeconds(30)).until(this::bothStreaming);
    assertThat(calls.call("PUT", "/registers/silent", "{\"value\":3}").status()).isEqualTo(200);
    assertThat(ServiceCalls.register(east, "silent")).hasValue(3);
  }
}
