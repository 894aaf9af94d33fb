package io.summit.dr.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The order in which a killed region's components come back. */
class RestartWavesTest {
  private static LabComponent c(String kind, String region) {
    return new LabComponent(
        kind + "-" + region, kind, region, 1, "127.0.0.1", 1, "/nonexistent", "/nonexistent.log");
  }

  @Test
  void storesAndEtcdComeBackTogetherFirstThenTheDaemonsThenTheServiceCluster() {
    List<LabComponent> killed =
        List.of(
            c("etcd", "us-west-2"),
            c("neo4j", "us-west-2"),
            c("postgres", "us-west-2"),
            c("redis", "us-west-2"),
            c("objects", "us-west-2"),
            c("observer", "us-west-2"),
            c("objects-replicator", "us-west-2"),
            c("agent", "us-west-2"),
            c("cluster", "us-west-2"));

    assertThat(Lab.restartWaves(killed))
        .containsExactly(
            List.of(
                "etcd-us-west-2",
                "neo4j-us-west-2",
                "postgres-us-west-2",
                "redis-us-west-2",
                "objects-us-west-2"),
            List.of("observer-us-west-2", "objects-replicator-us-west-2", "agent-us-west-2"),
            List.of("cluster-us-west-2"));
  }

  @Test
  void aWaveWithNothingToRestartIsLeftOut() {
    assertThat(Lab.restartWaves(List.of(c("agent", "us-east-1"), c("cluster", "us-east-1"))))
        .containsExactly(List.of("agent-us-east-1"), List.of("cluster-us-east-1"));
  }
}
