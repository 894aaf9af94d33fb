package io.summit.dr.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.summit.dr.agent.zones.ZoneNode;
import io.summit.dr.agent.zones.ZoneSettings;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.StandbyLoss;
import io.summit.dr.topology.StandbyMode;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's zone failover flags, parsed and checked against the example topology. */
class ZoneFlagsTest {
  private static final Path EXAMPLE = Path.of("../examples/summit.yaml");
  private static final String NODE_A = "postgres=us-west-2a,127.0.0.1:5432,127.0.0.1:6432";
  private static final String NODE_B = "postgres=us-west-2b,127.0.0.1:5433,127.0.0.1:6433";
  private static final String URL = "http://127.0.0.1:26950/v1/endpoints/postgres-us-west-2";
  private static final Topology SUMMIT = TopologyLoader.load(EXAMPLE);

  private static String[] args(String... extra) {
    String[] base = {
      "--config", EXAMPLE.toString(),
      "--region", "us-west-2",
      "--etcd", "http://127.0.0.1:2379",
      "--listen", "127.0.0.1:7400",
      "--store", "postgres=127.0.0.1:26432"
    };
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  private static String[] zoned(String... extra) {
    String[] zones = {
      "--zone-node", NODE_A, "--zone-node", NODE_B, "--zone-endpoint", "postgres=" + URL
    };
    String[] all = new String[zones.length + extra.length];
    System.arraycopy(zones, 0, all, 0, zones.length);
    System.arraycopy(extra, 0, all, zones.length, extra.length);
    return args(all);
  }

  @Test
  void parsesTheZoneFlagsIntoTheSettingsOfTheRegionsPostgresStore(@TempDir Path dir)
      throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, "operator-token-0123456789abcdef\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));

    AgentMain.Options o =
        AgentMain.parse(zoned("--zone-probe-interval", "50ms", "--token-file", token.toString()));

    ZoneNode a =
        new ZoneNode(
            "us-west-2a", new Endpoint("127.0.0.1", 5432), new Endpoint("127.0.0.1", 6432));
    ZoneNode b =
        new ZoneNode(
            "us-west-2b", new Endpoint("127.0.0.1", 5433), new Endpoint("127.0.0.1", 6433));
    assertThat(o.zoneNodes()).isEqualTo(Map.of("postgres", List.of(a, b)));
    assertThat(o.zoneEndpoints()).isEqualTo(Map.of("postgres", URI.create(URL)));
    assertThat(o.zoneProbeInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(o.token()).hasValueSatisfying(t -> assertThat(t.file()).isEqualTo(token));
    assertThat(AgentMain.config(o, SUMMIT).region()).isEqualTo("us-west-2");
    assertThat(ZoneFlags.settings(o, SUMMIT))
        .isEqualTo(
            Map.of(
                "postgres",
                new ZoneSettings(
                    "postgres@us-west-2",
                    a,
                    b,
                    StandbyMode.SYNCHRONOUS,
                    StandbyLoss.WAIT,
                    Duration.ofMillis(50),
                    SUMMIT.health().timeout(),
                    SUMMIT.health().failureThreshold(),
                    Duration.ofSeconds(3))));
  }

  @Test
  void withoutZoneFlagsTheAgentRunsNoZoneFailover() {
    AgentMain.Options o = AgentMain.parse(args());

    assertThat(o.zoneNodes()).isEmpty();
    assertThat(o.zoneProbeInterval()).isEqualTo(AgentMain.DEFAULT_ZONE_PROBE_INTERVAL);
    assertThat(ZoneFlags.settings(o, SUMMIT)).isEmpty();
  }

  @Test
  void namesTheFlagOfEveryBadZoneArgument() {
    assertThatThrownBy(() -> AgentMain.parse(args("--zone-node", "us-west-2a,127.0.0.1:5432")))
        .hasMessage(
            "--zone-node: 'us-west-2a,127.0.0.1:5432'"
                + " (expected: postgres|redis=ZONE,HOST:PORT,PEER_HOST:PORT)");
    assertThatThrownBy(() -> AgentMain.parse(args("--zone-node", "neo4j=us-west-2a,h:1,h:2")))
        .hasMessage("--zone-node: kind 'neo4j' (expected: postgres or redis)");
    assertThatThrownBy(() -> AgentMain.parse(args("--zone-source-endpoint", "redis=" + URL)))
        .hasMessage(
            "--zone-source-endpoint: kind 'redis' (expected: postgres: the other regions' Redis"
                + " replicas follow the region endpoint)");
    assertThatThrownBy(() -> AgentMain.parse(args("--zone-node", "postgres=us-west-2a,h:1")))
        .hasMessage("--zone-node: 'us-west-2a,h:1' (expected: ZONE,HOST:PORT,PEER_HOST:PORT)");
    assertThatThrownBy(() -> AgentMain.parse(args("--zone-node", "postgres=us-west-2a,h:1,peer")))
        .hasMessageStartingWith("--zone-node: 'peer' (expected: host:port)");
    assertThatThrownBy(() -> AgentMain.parse(zoned("--zone-node", NODE_A)))
        .hasMessage("--zone-node: zone 'us-west-2a' given twice (expected: one node per zone)");
    assertThatThrownBy(() -> AgentMain.parse(args("--zone-node", NODE_A, "--zone-node", NODE_B)))
        .hasMessage(
            "--zone-endpoint: required with --zone-node postgres"
                + " (expected: postgres=URL of the region endpoint)");
    assertThatThrownBy(() -> AgentMain.parse(args("--zone-endpoint", "postgres=" + URL)))
        .hasMessage(
            "--zone-node: required with --zone-endpoint postgres"
                + " (expected: one per zone, postgres=ZONE,HOST:PORT,PEER_HOST:PORT)");
    assertThatThrownBy(() -> AgentMain.parse(zoned("--zone-endpoint", "postgres=127.0.0.1:26950")))
        .hasMessage(
            "--zone-endpoint: 'postgres=127.0.0.1:26950'"
                + " (expected: postgres=http://HOST:PORT/v1/endpoints/NAME)");
    assertThatThrownBy(() -> AgentMain.parse(zoned("--zone-endpoint", "postgres=" + URL)))
        .hasMessage("--zone-endpoint: 'postgres' given twice (expected: one endpoint per store)");
    assertThatThrownBy(() -> AgentMain.parse(zoned("--zone-probe-interval", "0ms")))
        .hasMessage("--zone-probe-interval: 0ms (expected: > 0)");
    assertThatThrownBy(() -> AgentMain.parse(zoned("--zone-probe-interval", "fast")))
        .hasMessageStartingWith("--zone-probe-interval: 'fast' is not a duration");
    assertThatThrownBy(() -> AgentMain.parse(zoned("--token-file", "/nonexistent/token")))
        .hasMessageStartingWith("--token-file: ");
    String[] aws = { // stores come from the deployment file: no --store
      "--config",
      EXAMPLE.toString(),
      "--region",
      "us-west-2",
      "--etcd",
      "http://127.0.0.1:2379",
      "--listen",
      "127.0.0.1:7400",
      "--zone-node",
      NODE_A,
      "--zone-node",
      NODE_B,
      "--zone-endpoint",
      "postgres=" + URL
    };
    assertThatThrownBy(() -> AgentMain.parse(aws, false))
        .hasMessage(
            "--zone-node: not taken here (expected: the deployment's own Multi-AZ failover)");
  }

  @Test
  void theZonesMustBeTheTopologysZonesOfTheRegionBothOfThem(@TempDir Path dir) throws IOException {
    String expected =
        " (expected: one node in each zone of store 'postgres' in us-west-2:"
            + " us-west-2a, us-west-2b)";
    AgentMain.Options otherZone =
        AgentMain.parse(
            args(
                "--zone-node",
                NODE_A,
                "--zone-node",
                "postgres=us-west-2c,127.0.0.1:5433,127.0.0.1:6433",
                "--zone-endpoint",
                "postgres=" + URL));
    assertThatThrownBy(() -> AgentMain.config(otherZone, SUMMIT))
        .hasMessage("--zone-node: zone 'us-west-2c'" + expected);

    AgentMain.Options oneZone =
        AgentMain.parse(args("--zone-node", NODE_A, "--zone-endpoint", "postgres=" + URL));
    assertThatThrownBy(() -> AgentMain.config(oneZone, SUMMIT))
        .hasMessage("--zone-node: no node in zone 'us-west-2b'" + expected);

    Path minimal = dir.resolve("minimal.yaml");
    Files.copy(Path.of("../topology/src/test/resources/valid-minimal.yaml"), minimal);
    Topology withoutZones = TopologyLoader.load(minimal);
    String region = withoutZones.regions().get(0).name();
    String[] flags = zoned();
    flags[3] = region;
    assertThatThrownBy(() -> AgentMain.config(AgentMain.parse(flags), withoutZones))
        .hasMessageStartingWith("--zone-node: store '")
        .hasMessageContaining("' has no multi_az zones for " + region);
  }
}
