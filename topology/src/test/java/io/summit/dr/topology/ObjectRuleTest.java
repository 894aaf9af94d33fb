package io.summit.dr.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** An object store's replication rule in the topology: defaults, and each malformed field named. */
class ObjectRuleTest {
  private static String example() throws Exception {
    return Files.readString(Path.of("..", "examples", "lab.yaml"));
  }

  private static String withObjects(String rule) throws Exception {
    String store =
        "  - name: objects\n"
            + "    kind: objects\n"
            + "    primary_region: us-west-2\n"
            + "    replica_regions: [us-east-1]\n"
            + "    rpo_budget: 500ms\n"
            + rule
            + "\nhealth:";
    return example().replace("\nhealth:", "\n" + store);
  }

  @Test
  void aStoreWithoutRuleGetsS3sDefaults() throws Exception {
    Topology t = TopologyLoader.parse("t.yaml", withObjects(""));
    ObjectRule rule = t.store("objects").orElseThrow().objectRule();
    assertThat(rule.bucket("us-east-1")).isEqualTo("summit-objects-us-east-1");
    assertThat(rule.deleteMarkerReplication()).isFalse();
    assertThat(rule.replicaModifications()).isFalse();
  }

  @Test
  void malformedReplicationRuleIsRefusedNamingEachField() throws Exception {
    String yaml =
        withObjects(
            "    objects: {bucket: Bad_Bucket, prefix: .summit/x, max_object_bytes: 0,"
                + " delete_marker_replication: maybe}\n");
    InvalidTopologyException e =
        catchThrowableOfType(
            InvalidTopologyException.class, () -> TopologyLoader.parse("t.yaml", yaml));
    assertThat(e.problems())
        .extracting(Problem::path)
        .contains("stores[2].objects.delete_marker_replication");
    String fixedBool =
        yaml.replace("delete_marker_replication: maybe", "delete_marker_replication: true");
    InvalidTopologyException e2 =
        catchThrowableOfType(
            InvalidTopologyException.class, () -> TopologyLoader.parse("t.yaml", fixedBool));
    assertThat(e2.problems())
        .extracting(Problem::path)
        .containsExactlyInAnyOrder(
            "stores[2].objects.bucket",
            "stores[2].objects.prefix",
            "stores[2].objects.max_object_bytes");
  }

  @Test
  void anObjectRuleOnAnotherKindOfStoreIsRefused() throws Exception {
    String yaml =
        example()
            .replace(
                "    rpo_budget: 500ms\n  - name: redis",
                "    rpo_budget: 500ms\n    objects: {}\n  - name: redis");
    InvalidTopologyException e =
        catchThrowableOfType(
            InvalidTopologyException.class, () -> TopologyLoader.parse("t.yaml", yaml));
    assertThat(e.problems()).extracting(Problem::path).containsExactly("stores[0].objects");
  }
}
