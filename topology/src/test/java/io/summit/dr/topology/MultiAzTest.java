package io.summit.dr.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A store's zones (Multi-AZ) in the topology: what it means, and each bad field with its line. */
class MultiAzTest {
  private static final String TWO_ZONES =
      "\n    zones: [us-west-2a]\n  - name: us-east-1\n    role: secondary\n    zones: [us-east-1a]";

  /** examples/lab.yaml with two zones per region and {@code multiAz} on the postgres store. */
  private static String lab(String multiAz) throws Exception {
    String yaml = Files.readString(Path.of("..", "examples", "lab.yaml"));
    return yaml.replace(
            TWO_ZONES,
            "\n    zones: [us-west-2a, us-west-2b]\n  - name: us-east-1\n    role: secondary\n"
                + "    zones: [us-east-1a, us-east-1b]")
        .replace(
            "    rpo_budget: 500ms\n  - name: redis",
            "    rpo_budget: 500ms\n" + multiAz + "  - name: redis");
  }

  /**
   * A multi_az block: {@code options} lines (each ending in a newline), then the two regions'
   * zones.
   */
  private static String multiAz(String options, String west, String east) {
    return "    multi_az:\n"
        + options
        + "      zones:\n        us-west-2: "
        + west
        + "\n        us-east-1: "
        + east
        + "\n";
  }

  private static InvalidTopologyException refused(String yaml) {
    return catchThrowableOfType(
        InvalidTopologyException.class, () -> TopologyLoader.parse("t.yaml", yaml));
  }

  @Test
  void theExampleStillHasOneZonePerRegion() throws Exception {
    assertThat(Files.readString(Path.of("..", "examples", "lab.yaml"))).contains(TWO_ZONES);
  }

  @Test
  void aStandbyInASecondZoneIsSynchronousAndStrictByDefault() throws Exception {
    Topology t =
        TopologyLoader.parse(
            "t.yaml", lab(multiAz("", "[us-west-2a, us-west-2b]", "[us-east-1b, us-east-1a]")));
    MultiAz m = java.util.Objects.requireNonNull(t.store("postgres").orElseThrow().multiAz());
    assertThat(m.standby()).isEqualTo(StandbyMode.SYNCHRONOUS);
    assertThat(m.onStandbyLoss()).isEqualTo(StandbyLoss.WAIT);
    assertThat(m.writerZone("us-west-2")).isEqualTo("us-west-2a");
    assertThat(m.standbyZone("us-east-1")).isEqualTo("us-east-1a");
    assertThat(t.store("redis").orElseThrow().multiAz()).isNull();
    // Written back and read again, it is the same topology.
    assertThat(TopologyLoader.parse("again.yaml", TopologyWriter.toYaml(t))).isEqualTo(t);
  }

  @Test
  void aSynchronousStandbyNeedsTwoZonesAndEachBadZoneIsNamedWithItsLine() throws Exception {
    String yaml =
        lab(
            multiAz(
                "      on_standby_loss: keep-writing\n",
                "[us-west-2a]",
                "[us-east-1a, us-east-1c]"));
    InvalidTopologyException e = refused(yaml);
    assertThat(e.problems())
        .extracting(Problem::path)
        .containsExactly("stores[0].multi_az.zones.us-west-2");
    assertThat(e.problems().get(0).message()).contains("1 zone(s)");
    assertThat(e.problems().get(0).location()).isNotNull();

    String fixed = yaml.replace("[us-west-2a]", "[us-west-2a, us-west-2a]");
    assertThat(refused(fixed).problems())
        .extracting(Problem::message)
        .containsExactly("the standby shares zone 'us-west-2a' with the writer node");

    String unknown = yaml.replace("[us-west-2a]", "[us-west-2a, us-west-2b]");
    InvalidTopologyException u = refused(unknown);
    assertThat(u.problems())
        .extracting(Problem::path)
        .containsExactly("stores[0].multi_az.zones.us-east-1[1]");
    assertThat(u.problems().get(0).message()).startsWith("unknown zone 'us-east-1c'");
    assertThat(u.problems().get(0).expected()).contains("us-east-1a, us-east-1b");
    assertThat(u.problems().get(0).format()).startsWith("t.yaml:");
  }

  @Test
  void everyRegionOfTheStoreNeedsZonesAndNoOtherRegionMay() throws Exception {
    InvalidTopologyException e =
        refused(
            lab(
                "    multi_az:\n      zones:\n        us-west-2: [us-west-2a, us-west-2b]\n"
                    + "        eu-west-1: [eu-west-1a, eu-west-1b]\n"));
    assertThat(e.problems())
        .extracting(Problem::path)
        .containsExactlyInAnyOrder(
            "stores[0].multi_az.zones", "stores[0].multi_az.zones.eu-west-1");
    assertThat(e.problems())
        .extracting(Problem::message)
        .contains("no zones for region 'us-east-1'");
  }

  @Test
  void redisHasOnlyAnAsynchronousStandbyAndOtherKindsNone() throws Exception {
    String yaml =
        lab("")
            .replace(
                "    rpo_budget: 500ms\n\nhealth:",
                "    rpo_budget: 500ms\n"
                    + multiAz("", "[us-west-2a, us-west-2b]", "[us-east-1a, us-east-1b]")
                    + "\nhealth:");
    InvalidTopologyException e = refused(yaml);
    assertThat(e.problems())
        .extracting(Problem::path)
        .containsExactly("stores[1].multi_az.standby");
    assertThat(
            TopologyLoader.parse(
                    "t.yaml",
                    yaml.replace("    multi_az:\n", "    multi_az:\n      standby: asynchronous\n"))
                .store("redis")
                .orElseThrow()
                .multiAz())
        .isNotNull();
  }
}
