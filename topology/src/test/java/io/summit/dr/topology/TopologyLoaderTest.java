package io.summit.dr.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopologyLoaderTest {
  static final Path EXAMPLES = Path.of("..", "examples");

  @ParameterizedTest
  @ValueSource(strings = {"summit.yaml", "lab.yaml"})
  void exampleLoadsAndRoundTripsThroughYaml(String file) {
    Topology loaded = TopologyLoader.load(EXAMPLES.resolve(file));

    String written = TopologyWriter.toYaml(loaded);
    Topology reloaded = TopologyLoader.parse("written-" + file, written);

    assertThat(reloaded).isEqualTo(loaded);
    assertThat(TopologyWriter.toYaml(reloaded)).isEqualTo(written);
  }

  @Test
  void summitExampleIsThePlatformOfTheArchitectureNote() {
    Topology t = TopologyLoader.load(EXAMPLES.resolve("summit.yaml"));

    assertThat(t.primary().name()).isEqualTo("us-west-2");
    assertThat(t.secondaries()).extracting(Region::name).containsExactly("us-east-1");
    assertThat(t.stores())
        .extracting(Store::kind)
        .containsExactly(StoreKind.POSTGRES, StoreKind.REDIS, StoreKind.NEO4J, StoreKind.OBJECTS);
    assertThat(t.services()).extracting(Service::name).contains("api-server", "web-client");
    assertThat(t.services())
        .allSatisfy(s -> assertThat(s.replicas().get("us-east-1")).isBetween(1, 2));
    assertThat(t.objectives())
        .isEqualTo(new Objectives(Duration.ofMinutes(5), Duration.ofMinutes(15)));
  }

  @Test
  void labExampleHasTheTighterTargets() {
    Topology t = TopologyLoader.load(EXAMPLES.resolve("lab.yaml"));

    assertThat(t.objectives())
        .isEqualTo(new Objectives(Duration.ofMillis(500), Duration.ofSeconds(2)));
    assertThat(t.lab().wanLatency()).isEqualTo(Duration.ofMillis(30));
  }

  @Test
  void leftOutSectionsTakeTheirDocumentedDefaults() {
    String text =
        """
        name: t
        regions:
          - {name: a, role: primary}
          - {name: b, role: secondary}
        services: []
        stores: []
        objectives: {rpo: 1s, rto: 2s}
        """;

    Topology t = TopologyLoader.parse("t.yaml", text);

    assertThat(t.health()).isEqualTo(HealthPolicy.defaults());
    assertThat(t.routing()).isEqualTo(RoutingPolicy.defaults());
    assertThat(t.lab()).isEqualTo(Lab.defaults());
    assertThat(t.failover().steps())
        .extracting(PlanStep::action)
        .containsExactly(StepAction.values());
  }

  @Test
  void unreadableFileIsAProblemNotACrash() {
    assertThatThrownBy(() -> TopologyLoader.load(Path.of("no-such-file.yaml")))
        .isInstanceOf(InvalidTopologyException.class)
        .hasMessageStartingWith("no-such-file.yaml:1:1: <root>: cannot read the file");
  }
}
