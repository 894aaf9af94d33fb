package io.summit.dr.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The cluster's answer to Prometheus' HTTP service discovery. */
class PrometheusTargetsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyInstanceIsOneTargetGroupLabelledWithItsRegionAndName() throws Exception {
    JsonNode view =
        JSON.readTree(
            """
            {"region": "us-east-1", "service": "api", "instances": [
              {"name": "api-us-east-1-0", "address": "127.0.0.1:26150", "ready": true},
              {"name": "api-us-east-1-3", "address": "127.0.0.1:26153", "ready": false}]}
            """);

    JsonNode groups = RegionCluster.prometheusTargets(view);

    assertThat(groups).hasSize(2);
    assertThat(groups.get(1).path("targets").get(0).asText()).isEqualTo("127.0.0.1:26153");
    assertThat(groups.get(1).path("labels").path("component").asText())
        .isEqualTo("api-us-east-1-3");
    assertThat(groups.get(0).path("labels").path("location").asText()).isEqualTo("us-east-1");
    assertThat(groups.get(0).path("labels").has("instance")).isFalse();
  }

  @Test
  void anInstanceInAZoneIsLabelledWithItOthersHaveNoZoneLabel() throws Exception {
    JsonNode view =
        JSON.readTree(
            """
            {"region": "us-west-2", "service": "api", "instances": [
              {"name": "api-us-west-2-0", "address": "127.0.0.1:26050", "zone": "us-west-2a"},
              {"name": "api-us-west-2-1", "address": "127.0.0.1:26051"}]}
            """);

    JsonNode groups = RegionCluster.prometheusTargets(view);

    assertThat(groups.get(0).path("labels").path("zone").asText()).isEqualTo("us-west-2a");
    assertThat(groups.get(1).path("labels").has("zone")).isFalse();
  }

  @Test
  void aClusterWithoutInstancesAnswersAnEmptyList() throws Exception {
    assertThat(RegionCluster.prometheusTargets(JSON.readTree("{\"region\": \"us-west-2\"}")))
        .isEmpty();
  }
}
