package io.summit.dr.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.summit.dr.replication.Endpoint;
import io.summit.dr.workload.service.WorkloadMain;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** How the lab tells a zone's instances from the program arguments of a cluster's processes. */
class RunsInZoneTest {
  private static List<String> instanceArguments(@Nullable String zone) {
    return new WorkloadMain.Options(
            Path.of("examples/lab-zones.yaml"),
            "us-west-2",
            new Endpoint("127.0.0.1", 26050),
            List.of(URI.create("http://127.0.0.1:26000")),
            "api-server-us-west-2-0",
            Map.of(),
            zone)
        .arguments();
  }

  @Test
  void anInstanceStartedInAZoneRunsInThatZoneOnly() {
    List<String> a = instanceArguments("us-west-2a");

    assertThat(a).containsSequence("--zone", "us-west-2a");
    assertThat(RegionCluster.runsInZone(a, "us-west-2a")).isTrue();
    assertThat(RegionCluster.runsInZone(a, "us-west-2b")).isFalse();
    assertThat(RegionCluster.runsInZone(a, "us-west-2")).as("the region is no zone").isFalse();
  }

  @Test
  void anInstanceWithoutAZoneAndOtherDaemonsZoneFlagsRunInNoZone() {
    assertThat(RegionCluster.runsInZone(instanceArguments(null), "us-west-2a")).isFalse();
    // the region agent's flags name zones too, but are no instance's --zone
    assertThat(
            RegionCluster.runsInZone(
                List.of("--zone-node", "postgres=us-west-2a,127.0.0.1:26014,127.0.0.1:26024"),
                "us-west-2a"))
        .isFalse();
    assertThat(RegionCluster.runsInZone(List.of("--zone"), "us-west-2a")).isFalse();
  }
}
