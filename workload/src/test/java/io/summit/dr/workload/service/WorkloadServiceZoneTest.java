package io.summit.dr.workload.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.Topology;
import io.summit.dr.topology.TopologyLoader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The zone of an instance, as its answers show it. Nothing listens at the discovery address (the
 * instance never becomes ready): only what every answer carries is looked at.
 */
class WorkloadServiceZoneTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Topology ZONES =
      TopologyLoader.load(Path.of("..", "examples", "lab-zones.yaml"));
  private static final URI NOWHERE = URI.create("http://127.0.0.1:9");
  private final HttpClient http = HttpClient.newHttpClient();

  private static WorkloadService service(@Nullable String zone) throws Exception {
    return new WorkloadService(
        ZONES,
        "us-west-2",
        "zone-test",
        new InetSocketAddress("127.0.0.1", 0),
        List.of(NOWHERE),
        UnaryOperator.identity(),
        null,
        zone);
  }

  private HttpResponse<String> get(WorkloadService s, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + s.address().getPort() + path);
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anInstanceWithAZoneNamesItInEveryAnswerAndInItsHealthBodies() throws Exception {
    try (WorkloadService s = service("us-west-2b")) {
      s.start();

      HttpResponse<String> alive = get(s, "/healthz");
      HttpResponse<String> ready = get(s, "/readyz");
      HttpResponse<String> unknown = get(s, "/nothing");

      assertThat(alive.statusCode()).isEqualTo(200);
      assertThat(ready.statusCode()).as("no discovery: not ready").isEqualTo(503);
      assertThat(unknown.statusCode()).isEqualTo(404);
      for (HttpResponse<String> r : List.of(alive, ready, unknown)) {
        assertThat(r.headers().allValues(WorkloadService.ZONE_HEADER))
            .as(r.uri().getPath())
            .containsExactly("us-west-2b");
      }
      assertThat(JSON.readTree(alive.body()).path("zone").asText()).isEqualTo("us-west-2b");
      assertThat(JSON.readTree(ready.body()).path("zone").asText()).isEqualTo("us-west-2b");
      assertThat(JSON.readTree(unknown.body()).has("zone")).isFalse();
    }
  }

  @Test
  void anInstanceWithoutAZoneSendsNoZoneHeaderNorField() throws Exception {
    try (WorkloadService s = service(null)) {
      s.start();

      HttpResponse<String> alive = get(s, "/healthz");
      HttpResponse<String> ready = get(s, "/readyz");

      assertThat(alive.headers().firstValue(WorkloadService.ZONE_HEADER)).isEmpty();
      assertThat(ready.headers().firstValue(WorkloadService.ZONE_HEADER)).isEmpty();
      JsonNode body = JSON.readTree(alive.body());
      assertThat(body.path("instance").asText()).isEqualTo("zone-test");
      assertThat(body.has("zone")).isFalse();
      assertThat(JSON.readTree(ready.body()).has("zone")).isFalse();
    }
  }

  @Test
  void aZoneOfAnotherRegionIsRefusedNamingTheFlag() {
    assertThatThrownBy(() -> service("us-east-1a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--zone: 'us-east-1a' is not a zone of us-west-2"
                + " (expected: one of us-west-2a, us-west-2b)");
  }

  @Test
  void theZoneFlagParsesBackFromTheArgumentsAnInstanceIsStartedWith() {
    WorkloadMain.Options o =
        new WorkloadMain.Options(
            Path.of("lab-zones.yaml"),
            "us-west-2",
            new Endpoint("127.0.0.1", 26050),
            List.of(NOWHERE),
            "api-us-west-2-0",
            Map.of(),
            "us-west-2a");

    List<String> arguments = o.arguments();

    assertThat(arguments).containsSequence(WorkloadMain.ZONE_FLAG, "us-west-2a");
    assertThat(WorkloadMain.parse(arguments.toArray(String[]::new))).isEqualTo(o);
    WorkloadMain.Options none =
        new WorkloadMain.Options(
            o.config(), o.region(), o.listen(), o.discovery(), o.name(), o.via());
    assertThat(none.arguments()).doesNotContain(WorkloadMain.ZONE_FLAG);
  }
}
