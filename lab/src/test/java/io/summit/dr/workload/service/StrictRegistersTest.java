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
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Registers are strict: against a real primary (us-west-2) and its real streaming replica
 * (us-east-1), a register write is acknowledged only once the replica has applied it, refused
 * surely-not-written when no standby streams, and left unknown when the standby goes silent under
 * it (it may still take effect, and here does).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictRegistersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private TestNode primary;
  private TestNode replica;
  private FakeDiscovery discovery;
  private WorkloadService service;
  private ServiceCalls calls;

  @BeforeAll
  void start() throws Exception {
    primary = TestNode.start("strict-west");
    replica = TestNode.startReplicaOf("strict_east", primary);
    discovery = new FakeDiscovery();
    discovery.publish("us-west-2", primary, replica);
    Topology topology = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));
    service = ServiceCalls.start(topology, "us-east-1", "strict-test", discovery);
    calls = ServiceCalls.of(service, Duration.ofSeconds(15));
    calls.awaitWriter("us-west-2");
  }

  @AfterAll
  void stop() {
    if (service != null) {
      service.close();
    }
    if (discovery != null) {
      discovery.close();
    }
    if (replica != null) {
      replica.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  private boolean standbyStreaming() throws Exception {
    try (Connection c = primary.sql();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(RegisterStore.SYNC_STANDBY)) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  @Test
  void anAcknowledgedWriteIsAlreadyAppliedOnTheReplicaAndAStrongReadSeesIt() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(this::standbyStreaming);
    for (long v = 1; v <= 20; v++) {
      Reply w = calls.call("PUT", "/registers/applied", "{\"value\":" + v + "}");
      assertThat(w.status()).as(w.body().toString()).isEqualTo(200);
      // remote_apply: the replica shows it the moment the write is acknowledged, no waiting
      assertThat(ServiceCalls.register(replica, "applied")).hasValue(v);
    }
    Reply r = calls.call("GET", "/registers/applied?read=strong", null);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.body().path("value").asLong()).isEqualTo(20);
  }

  @Test
  void aSilentStandbyLeavesTheWriteUnknownThenNoStandbyRefusesItAsNotWritten() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(this::standbyStreaming);
    assertThat(calls.call("PUT", "/registers/cut", "{\"value\":1}").status()).isEqualTo(200);
    replica.signalPostgres("STOP");
    try {
      // the walsender still counts the standby: the write commits on the primary and waits
      Reply unknown = calls.call("PUT", "/registers/cut", "{\"value\":2}");
      assertThat(unknown.status()).isEqualTo(503);
      assertThat(unknown.body().has("written")).as(unknown.body().toString()).isFalse();
      // committed on the primary's disk but still in progress to other sessions: a commit that
      // waits for its standby becomes visible only when the wait ends
      assertThat(ServiceCalls.register(primary, "cut")).hasValue(1);
      Reply strong = calls.call("GET", "/registers/cut?read=strong", null);
      assertThat(strong.status())
          .as("a strong read must not return the unacknowledged 2")
          .isEqualTo(503);
      // after wal_sender_timeout the standby is gone: refused before anything is written
      await().atMost(Duration.ofSeconds(15)).until(() -> !standbyStreaming());
      Reply refused = calls.call("PUT", "/registers/cut", "{\"value\":3}");
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.body().path("written").asBoolean(true))
          .as(refused.body().toString())
          .isFalse();
      assertThat(ServiceCalls.register(primary, "cut")).hasValue(1);
    } finally {
      replica.signalPostgres("CONT");
    }
    // the unknown write took effect: the replica catches up to it
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ServiceCalls.register(replica, "cut").equals(OptionalLong.of(2)));
    await().atMost(Duration.ofSeconds(20)).until(this::standbyStreaming);
    assertThat(calls.call("PUT", "/registers/cut", "{\"value\":4}").status()).isEqualTo(200);
    assertThat(ServiceCalls.register(replica, "cut")).hasValue(4);
  }

  private long commitsWaitingForTheStandby() throws Exception {
    try (Connection c = primary.sql();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("select count(*) from pg_stat_activity where wait_event = 'SyncRep'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void strictOperationsWaitingForASilentStandbyDoNotHoldUpEntityTraffic() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(this::standbyStreaming);
    replica.signalPostgres("STOP");
    List<Future<Reply>> strict = new ArrayList<>();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      try {
        // more strict operations than the entity pool has connections (4), each waiting for the
        // silent standby for up to RegisterStore.STRICT_TIMEOUT_MS
        for (int i = 0; i < 6; i++) {
          String key = "held" + i;
          strict.add(callers.submit(() -> calls.call("PUT", "/registers/" + key, "{\"value\":1}")));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> commitsWaitingForTheStandby() >= 1);
        // the strict operations have a connection of their own: at most one waits at a time
        assertThat(commitsWaitingForTheStandby()).isEqualTo(1);
        for (int i = 1; i <= 5; i++) {
          Reply w =
              calls.call("POST", "/entities", "{\"id\":\"beside" + i + "\",\"seq\":" + i + "}");
          assertThat(w.status()).as(w.body().toString()).isEqualTo(201);
        }
        for (Future<Reply> f : strict) {
          assertThat(f.get().status()).isEqualTo(503); // unknown or refused: never acknowledged
        }
      } finally {
        replica.signalPostgres("CONT");
      }
    }
    await().atMost(Duration.ofSeconds(20)).until(this::standbyStreaming);
  }
}
