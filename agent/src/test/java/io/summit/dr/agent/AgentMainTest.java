package io.summit.dr.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentMainTest {
  private static final Path EXAMPLE = Path.of("../examples/summit.yaml");

  private static String[] args(String... extra) {
    String[] base = {
      "--config", EXAMPLE.toString(),
      "--region", "us-west-2",
      "--etcd", "http://127.0.0.1:2379,http://127.0.0.1:2381",
      "--listen", "127.0.0.1:7400",
      "--store", "redis=127.0.0.1:6379"
    };
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  @Test
  void parsesEveryFlag() {
    AgentMain.Options o =
        AgentMain.parse(args("--store", "postgres=127.0.0.1:5432", "--fence-budget", "300ms"));

    assertThat(o.region()).isEqualTo("us-west-2");
    assertThat(o.etcd())
        .containsExactly(URI.create("http://127.0.0.1:2379"), URI.create("http://127.0.0.1:2381"));
    assertThat(o.listen()).isEqualTo(new Endpoint("127.0.0.1", 7400));
    assertThat(o.stores())
        .isEqualTo(
            Map.of(
                "redis", new Endpoint("127.0.0.1", 6379),
                "postgres", new Endpoint("127.0.0.1", 5432)));
    assertThat(o.timings()).isEqualTo(Map.of("--fence-budget", Duration.ofMillis(300)));
  }

  @Test
  void withACertificateAndItsKeyTheApiListensWithHttpsOnly(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    io.summit.dr.access.CertificateAuthority.Files ca =
        io.summit.dr.access.CertificateAuthority.create(
            dir.resolve("tls"), "agent-test CA", java.util.List.of("127.0.0.1"));
    AgentMain.Options o =
        AgentMain.parse(
            args("--tls-cert", ca.serverCert().toString(), "--tls-key", ca.serverKey().toString()));
    assertThat(o.tls()).isPresent();
    assertThat(AgentMain.parse(args()).tls()).isEmpty();
    assertThatThrownBy(() -> AgentMain.parse(args("--tls-key", ca.serverKey().toString())))
        .hasMessageStartingWith("--tls-cert: missing");

    java.util.concurrent.ScheduledExecutorService scheduler =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    RegionAgent agent =
        new RegionAgent(
            AgentConfig.of("t", "us-west-2"),
            new FakeCoordination(),
            java.util.List.of(),
            System::nanoTime,
            java.time.Clock.systemUTC(),
            scheduler);
    try (scheduler;
        AgentServer server =
            new AgentServer(
                agent, new java.net.InetSocketAddress("127.0.0.1", 0), o.tls().orElseThrow())) {
      server.start();
      URI health = URI.create("https://127.0.0.1:" + server.address().getPort() + "/metrics");
      java.net.http.HttpResponse<String> r =
          io.summit.dr.access.Tls.client(
                  Duration.ofSeconds(3), io.summit.dr.access.Tls.trusting(ca.caCert()))
              .send(
                  java.net.http.HttpRequest.newBuilder(health).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("summit_dr_agent_state");
    }
  }

  @Test
  void namesTheFlagOfEveryBadArgument() {
    assertThatThrownBy(() -> AgentMain.parse(new String[] {"--region"}))
        .hasMessage("--region: missing value");
    assertThatThrownBy(() -> AgentMain.parse(args("--ttl", "1s")))
        .hasMessageStartingWith("--ttl: unknown option (expected: --config, --region,");
    assertThatThrownBy(() -> AgentMain.parse(args("--store", "mysql=127.0.0.1:3306")))
        .hasMessage("--store: kind 'mysql' (expected: postgres, redis, objects or neo4j)");
    assertThatThrownBy(() -> AgentMain.parse(args("--store", "redis=127.0.0.1:6380")))
        .hasMessage("--store: 'redis' given twice (expected: one store of each kind per region)");
    assertThatThrownBy(() -> AgentMain.parse(args("--store", "127.0.0.1:5432")))
        .hasMessage("--store: '127.0.0.1:5432' (expected: KIND=HOST:PORT)");
    assertThatThrownBy(() -> AgentMain.parse(args("--etcd", "127.0.0.1:2379")))
        .hasMessage("--etcd: '127.0.0.1:2379' (expected: http://HOST:PORT)");
    assertThatThrownBy(() -> AgentMain.parse(args("--listen", "7400")))
        .hasMessage("--listen: '7400' (expected: host:port)");
    assertThatThrownBy(() -> AgentMain.parse(args("--lease-ttl", "soon")))
        .hasMessageStartingWith("--lease-ttl: 'soon' is not a duration");
    assertThatThrownBy(() -> AgentMain.parse(new String[] {"--region", "us-west-2"}))
        .hasMessage("--config, --etcd, --listen, --store: required (expected: a value)");
  }

  @Test
  void takesTheKeyPrefixFromTheTopologyAndChecksTheRegionAndTimings() {
    Topology topology = TopologyLoader.load(EXAMPLE);

    AgentConfig config = AgentMain.config(AgentMain.parse(args()), topology);
    assertThat(config.writerKey()).isEqualTo("/summit-dr/summit/writer");
    assertThat(config.authorityKey()).isEqualTo("/summit-dr/summit/authority/us-west-2");

    String[] eu = args();
    eu[3] = "eu-west-1";
    assertThatThrownBy(() -> AgentMain.config(AgentMain.parse(eu), topology))
        .hasMessage("--region: 'eu-west-1' (expected: one of [us-west-2, us-east-1])");
    assertThatThrownBy(
            () -> AgentMain.config(AgentMain.parse(args("--renew-interval", "700ms")), topology))
        .hasMessageStartingWith("timings: renewInterval: 700ms (expected: shorter than");
  }

  @Test
  void anObjectsStoreIsTheRegionsBucketTheTopologyNames(@org.junit.jupiter.api.io.TempDir Path dir)
      throws java.io.IOException {
    AgentMain.Options o = AgentMain.parse(args("--store", "objects=127.0.0.1:9000"));
    assertThat(o.stores()).containsEntry("objects", new Endpoint("127.0.0.1", 9000));

    Topology summit = TopologyLoader.load(EXAMPLE);
    try (var adapter =
        AgentMain.adapter("objects", new Endpoint("127.0.0.1", 9000), "us-east-1", summit)) {
      assertThat(adapter)
          .isInstanceOfSatisfying(
              io.summit.dr.replication.objects.ObjectsAdapter.class,
              a ->
                  assertThat(a.bucket())
                      .isEqualTo(
                          summit.store("objects").orElseThrow().objectRule().bucket("us-east-1")));
      assertThat(adapter.id()).isEqualTo("objects@us-east-1");
    }

    Path minimal = dir.resolve("minimal.yaml");
    java.nio.file.Files.copy(Path.of("../topology/src/test/resources/valid-minimal.yaml"), minimal);
    Topology withoutObjects = TopologyLoader.load(minimal);
    assertThatThrownBy(
            () ->
                AgentMain.adapter(
                    "objects", new Endpoint("127.0.0.1", 9000), "us-west-2", withoutObjects))
        .hasMessage(
            "--store: objects (expected: a store of kind objects in us-west-2 in the topology)");
  }
}
