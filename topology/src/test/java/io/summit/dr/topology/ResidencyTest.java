package io.summit.dr.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Residency rules in a valid topology: what belongs to a class, where an object may be copied, and
 * what a region failure means for each class. The refusals are files under {@code malformed/}.
 */
class ResidencyTest {
  private static Topology withResidency() throws Exception {
    String yaml =
        Files.readString(Path.of("..", "examples", "lab.yaml"))
                .replace(
                    "\nhealth:",
                    "\n  - name: objects\n"
                        + "    kind: objects\n"
                        + "    primary_region: us-west-2\n"
                        + "    replica_regions: [us-east-1]\n"
                        + "    rpo_budget: 500ms\n"
                        + "\nhealth:")
            + "\nresidency:\n"
            + "  classes:\n"
            + "    - name: west-only\n"
            + "      regions: [us-west-2]\n"
            + "      stores: [objects]\n"
            + "      tenants: [acme]\n"
            + "      key_prefixes: [w-]\n"
            + "      object_prefixes: [pinned/west/]\n"
            + "      object_tags: {residency: us-west-2}\n"
            + "    - name: anywhere\n"
            + "      regions: [us-west-2, us-east-1]\n"
            + "      stores: [postgres, redis]\n"
            + "      tenants: [globex]\n";
    return TopologyLoader.parse("t.yaml", yaml);
  }

  @Test
  void aTopologyWithoutResidencyHasNoClasses() throws Exception {
    Topology t = TopologyLoader.load(Path.of("..", "examples", "lab.yaml"));

    assertThat(t.residency().classes()).isEmpty();
    assertThat(t.residency().classHeader()).isEqualTo("x-summit-data-class");
    assertThat(t.residencyOnRegionFailure("us-west-2", "us-east-1")).isEmpty();
  }

  @Test
  void theResidencyLabTopologyPinsAcmeGovsDocumentsToUsWest2() throws Exception {
    Topology t = TopologyLoader.load(Path.of("..", "examples", "lab-residency.yaml"));

    assertThat(t.residency().tenantClass("acme-gov"))
        .extracting(DataClass::name)
        .isEqualTo("acme-gov-documents");
    assertThat(t.residency().mayCopyObject("entities/acme-gov-7.json", Map.of(), "us-east-1"))
        .isFalse();
    assertThat(t.residency().mayCopyObject("entities/7.json", Map.of(), "us-east-1")).isTrue();
  }

  @Test
  void tenantsKeysAndObjectsBelongToTheirClass() throws Exception {
    Residency r = withResidency().residency();

    assertThat(r.tenantClass("acme")).extracting(DataClass::name).isEqualTo("west-only");
    assertThat(r.tenantClass("globex")).extracting(DataClass::name).isEqualTo("anywhere");
    assertThat(r.tenantClass("initech")).isNull();
    assertThat(r.keyClass("w-17")).extracting(DataClass::name).isEqualTo("west-only");
    assertThat(r.keyClass("e-17")).isNull();
  }

  @Test
  void aPinnedObjectMayNotBeCopiedOutsideItsRegionsByPrefixOrByTags() throws Exception {
    Residency r = withResidency().residency();

    assertThat(r.mayCopyObject("pinned/west/a.json", Map.of(), "us-east-1")).isFalse();
    assertThat(r.mayCopyObject("pinned/west/a.json", Map.of(), "us-west-2")).isTrue();
    assertThat(r.mayCopyObject("entities/1.json", Map.of("residency", "us-west-2"), "us-east-1"))
        .isFalse();
    assertThat(r.mayCopyObject("entities/1.json", Map.of("residency", "eu"), "us-east-1")).isTrue();
    assertThat(r.mayCopyObject("entities/1.json", Map.of(), "us-east-1")).isTrue();
    assertThat(r.selectsObjectsByTag()).isTrue();
  }

  @Test
  void thePlanSaysWhatARegionFailureMeansForEachClass() throws Exception {
    Topology t = withResidency();

    assertThat(t.residencyOnRegionFailure("us-west-2", "us-east-1"))
        .containsExactly(
            "class west-only [us-west-2]: unavailable until us-west-2 returns; never moved to or"
                + " served from us-east-1",
            "class anywhere [us-west-2, us-east-1]: moves with the writer to us-east-1 (one of its"
                + " regions)");
    assertThat(t.residencyOnRegionFailure("us-east-1", "us-west-2"))
        .containsExactly(
            "class west-only [us-west-2]: not stored or served in us-east-1, unaffected",
            "class anywhere [us-west-2, us-east-1]: moves with the writer to us-west-2 (one of its"
                + " regions)");
  }
}
