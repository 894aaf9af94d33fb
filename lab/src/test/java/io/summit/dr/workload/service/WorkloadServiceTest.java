package io.summit.dr.workload.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.summit.dr.replication.WriterTerm;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import io.summit.dr.workload.service.ServiceCalls.Reply;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One service instance in us-east-1 against real PostgreSQL and Redis servers: one pair standing
 * for us-west-2's nodes, one for us-east-1's, and a discovery endpoint the test controls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkloadServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private TestNode west;
  private TestNode east;
  private FakeDiscovery discovery;
  private WorkloadService service;
  private URI base;
  private ServiceCalls calls;

  @BeforeAll
  void start() throws Exception {
    west = TestNode.start("west");
    east = TestNode.start("east");
    discovery = new FakeDiscovery();
    // records whose id starts with "east-only-" may only be stored in us-east-1 (data residency)
    Topology topology =
        TopologyLoader.parse(
            "lab.yaml",
            java.nio.file.Files.readString(Path.of("..", "examples", "lab.yaml"))
                + "\nresidency:\n  classes:\n    - name: east-records\n"
                + "      regions: [us-east-1]\n      key_prefixes: [east-only-]\n");
    service =
        new WorkloadService(
            topology,
            "us-east-1",
            "test-instance",
            new InetSocketAddress("127.0.0.1", 0),
            discovery.uri(),
            UnaryOperator.identity());
    service.start();
    base = URI.create("http://127.0.0.1:" + service.address().getPort());
    calls = new ServiceCalls(base, Duration.ofSeconds(10));
  }

  @AfterAll
  void stop() {
    if (service != null) {
      service.close();
    }
    if (discovery != null) {
      discovery.close();
    }
    if (west != null) {
      west.close();
    }
    if (east != null) {
      east.close();
    }
  }

  @BeforeEach
  void writerIsWest() {
    if (!"us-west-2".equals(service == null ? null : currentWriter())) {
      discovery.publish("us-west-2", west, east);
      await().atMost(Duration.ofSeconds(10)).until(() -> "us-west-2".equals(currentWriter()));
    }
  }

  private @Nullable String currentWriter() {
    try {
      return calls.call("GET", "/readyz", null).body().path("writer_region").asText(null);
    } catch (Exception e) {
      return null;
    }
  }

  private static long rows(TestNode node, String id) throws Exception {
    try (Connection c = node.sql();
        Statement s = c.createStatement()) {
      s.execute(EntityStore.TABLE);
      try (ResultSet rs =
          s.executeQuery(
              "select count(*) from entities where id = '" + id.replace("'", "''") + "'")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static @Nullable String key(TestNode node, String id) {
    RedisClient client = RedisClient.create();
    try (StatefulRedisConnection<String, String> c =
        client.connect(RedisURI.create(node.redis.host(), node.redis.port()))) {
      return c.sync().get("entity:" + id);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aWriteLandsInBothStoresOfTheWriterRegionAndReadsComeFromThisRegionsOwnNodes()
      throws Exception {
    Reply created =
        calls.call("POST", "/entities", "{\"id\":\"e1\",\"seq\":7,\"payload\":\"hello\"}");

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().get("writer_region").asText()).isEqualTo("us-west-2");
    assertThat(created.body().get("region").asText()).isEqualTo("us-east-1");
    assertThat(rows(west, "e1")).isEqualTo(1);
    assertThat(key(west, "e1")).contains("\"seq\":7");
    // us-east-1's own node has not got it (nothing replicates here): the read says so.
    assertThat(calls.call("GET", "/entities/e1", null).status()).isEqualTo(404);

    try (Connection c = east.sql();
        Statement s = c.createStatement()) {
      s.execute(EntityStore.TABLE);
      s.execute(
          "insert into entities (id, seq, payload) values ('e1', 7, 'hello')"
              + " on conflict (id) do nothing");
    }
    Reply read = calls.call("GET", "/entities/e1", null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().get("seq").asLong()).isEqualTo(7);
    assertThat(read.body().get("cache").asText()).isEqualTo("miss");
  }

  @Test
  void aWriteUnderAnOlderTermThanTheNodesIsRefusedByTheNodeAndLandsNowhere() throws Exception {
    // us-west-2's nodes were promoted under term 5; this instance was given no term yet (0).
    raiseTerm(west, 5);

    Reply stale = calls.call("POST", "/entities", "{\"id\":\"t1\",\"seq\":1}");

    assertThat(stale.status()).isEqualTo(503);
    assertThat(stale.body().toString()).contains("stale writer term");
    assertThat(rows(west, "t1")).isZero();
    assertThat(key(west, "t1")).isNull();

    discovery.publish("us-west-2", west, east, 5);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> calls.call("POST", "/entities", "{\"id\":\"t2\",\"seq\":2}").status() == 201);
    assertThat(rows(west, "t2")).isEqualTo(1);
    assertThat(key(west, "t2")).isNotNull();
  }

  /** What the promote step does on a node: records the term it was promoted under. */
  private static void raiseTerm(TestNode node, long term) throws Exception {
    try (Connection c = node.sql();
        Statement s = c.createStatement()) {
      s.execute(WriterTerm.PG_CREATE);
      s.execute(WriterTerm.PG_RAISE.replace("?", Long.toString(term)));
    }
    RedisClient client = RedisClient.create();
    try (StatefulRedisConnection<String, String> c =
        client.connect(RedisURI.create(node.redis.host(), node.redis.port()))) {
      c.sync().set(WriterTerm.REDIS_KEY, Long.toString(term));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void newWritesFollowDiscoveryToTheNewWriterRegion() throws Exception {
    discovery.publish("us-east-1", west, east);
    await().atMost(Duration.ofSeconds(10)).until(() -> "us-east-1".equals(currentWriter()));

    Reply created = calls.call("POST", "/entities", "{\"id\":\"e2\",\"seq\":8}");

    assertThat(created.body().get("writer_region").asText()).isEqualTo("us-east-1");
    assertThat(rows(east, "e2")).isEqualTo(1);
    assertThat(rows(west, "e2")).isZero();
    assertThat(key(east, "e2")).isNotNull();
  }

  @Test
  void aRecordOfAClassThatExcludesTheWriterRegionIsRefusedAndWrittenNowhere() throws Exception {
    Reply refused = calls.call("POST", "/entities", "{\"id\":\"east-only-1\",\"seq\":9}");

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.body().get("error").asText())
        .isEqualTo(
            "record 'east-only-1' is of data class 'east-records', which may only be stored in"
                + " us-east-1; the writer region is us-west-2: not written (data residency)");
    assertThat(rows(west, "east-only-1")).isZero();
    assertThat(key(west, "east-only-1")).isNull();

    discovery.publish("us-east-1", west, east);
    await().atMost(Duration.ofSeconds(10)).until(() -> "us-east-1".equals(currentWriter()));
    Reply created = calls.call("POST", "/entities", "{\"id\":\"east-only-1\",\"seq\":9}");

    assertThat(created.status()).isEqualTo(201);
    assertThat(rows(east, "east-only-1")).isEqualTo(1);
  }

  @Test
  void aRegionWhoseOwnNodesArePrimariesOutsideTheWriterRegionIsNotReady() throws Exception {
    // us-east-1's nodes here are primaries (stale old primaries, as after a failover); the
    // instance checks them every 100 ms.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> calls.call("GET", "/readyz", null).status() == 503);
    Reply stale = calls.call("GET", "/readyz", null);

    assertThat(stale.status()).isEqualTo(503);
    assertThat(stale.body().toString()).contains("stale until it rejoins as a replica");

    discovery.publish("us-east-1", west, east);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> calls.call("GET", "/readyz", null).status() == 200);
  }

  @Test
  void badRequestsGetA4xxNamingTheFieldAndWriteNothing() throws Exception {
    Reply unknown = calls.call("POST", "/entities", "{\"id\":\"bad1\",\"colour\":\"red\"}");
    Reply badId = calls.call("POST", "/entities", "{\"id\":42}");
    Reply badSeq = calls.call("POST", "/entities", "{\"id\":\"bad2\",\"seq\":\"seven\"}");
    Reply notJson = calls.call("POST", "/entities", "{id: bad3");
    Reply method = calls.call("DELETE", "/entities/bad1", null);
    Reply path = calls.call("GET", "/nowhere", null);

    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().get("error").asText())
        .isEqualTo("colour: unknown field (expected: id, seq, payload, document, graph)");
    assertThat(badId.body().get("error").asText()).startsWith("id: 42");
    assertThat(badSeq.body().get("error").asText()).startsWith("seq: \"seven\"");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.body().get("error").asText()).startsWith("body: not JSON");
    assertThat(method.status()).isEqualTo(405);
    assertThat(path.status()).isEqualTo(404);
    assertThat(rows(west, "bad1") + rows(west, "bad2")).isZero();
  }

  private static void insert(TestNode node, String id, long seq) throws Exception {
    try (Connection c = node.sql();
        Statement s = c.createStatement()) {
      s.execute(EntityStore.TABLE);
      s.execute(
          "insert into entities (id, seq, payload) values ('"
              + id
              + "', "
              + seq
              + ", 'p') on conflict (id) do nothing");
    }
  }

  private static void cache(TestNode node, String id, String value) {
    RedisClient client = RedisClient.create();
    try (StatefulRedisConnection<String, String> c =
        client.connect(RedisURI.create(node.redis.host(), node.redis.port()))) {
      c.sync().set("entity:" + id, value);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aReadWhoseRegionsPostgresqlIsDownIsServedByItsRedisElseByTheWriterRegionsNode()
      throws Exception {
    insert(west, "e4", 4);
    cache(east, "e6", "{\"seq\":6,\"payload\":\"cached\"}");
    east.stopPostgres();
    try {
      Reply fromWriter = calls.call("GET", "/entities/e4", null);
      Reply fromCache = calls.call("GET", "/entities/e6", null);

      assertThat(fromWriter.status()).isEqualTo(200);
      assertThat(fromWriter.body().get("seq").asLong()).isEqualTo(4);
      assertThat(fromCache.status()).isEqualTo(200);
      assertThat(fromCache.body().get("seq").asLong()).isEqualTo(6);
      assertThat(fromCache.body().get("payload").asText()).isEqualTo("cached");
      assertThat(fromCache.body().get("cache").asText()).isEqualTo("only");
    } finally {
      east.startPostgres();
      // Until the pool has reconnected, reads go to the writer's node: wait for local reads, which
      // the other tests expect.
      insert(east, "only-east", 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> calls.call("GET", "/entities/only-east", null).status() == 200);
    }
  }

  @Test
  void aReadRightAfterAFenceEndedEverySessionGetsAFreshConnection() throws Exception {
    discovery.publish("us-east-1", west, east);
    await().atMost(Duration.ofSeconds(10)).until(() -> "us-east-1".equals(currentWriter()));
    insert(east, "e5", 5);
    // Several connections in both pools (reader and writer are the same node here)...
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var pending = new java.util.ArrayList<java.util.concurrent.Future<Reply>>();
      for (int i = 0; i < 8; i++) {
        String id = "warm" + i;
        pending.add(pool.submit(() -> calls.call("POST", "/entities", "{\"id\":\"" + id + "\"}")));
        pending.add(pool.submit(() -> calls.call("GET", "/entities/e5", null)));
      }
      for (var c : pending) {
        assertThat(c.get().status()).isBetween(200, 201);
      }
    }
    // ...then every one of them ended at once: the retry must not pick another dead one.
    east.terminateSessions("test-instance");

    Reply read = calls.call("GET", "/entities/e5", null);

    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().get("seq").asLong()).isEqualTo(5);
  }
}
