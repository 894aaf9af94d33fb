package io.summit.dr.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.BearerToken;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's API, in this JVM, for a region of no instances (none is started): its view, the
 * floor and zone changes refused naming the field, unknown paths and methods, who may scale.
 */
class RegionClusterApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private RegionCluster cluster;
  private URI base;
  private AccessDirectory creds;

  @BeforeEach
  void start() throws Exception {
    // the lab's topology with no instance in us-west-2, at most one
    Path config = dir.resolve("lab.yaml");
    String lab = Files.readString(Path.of("..", "examples", "lab.yaml"));
    String empty =
        lab.replace("replicas: {us-west-2: 2,", "replicas: {us-west-2: 0,")
            .replace("us-west-2: {min: 2, max: 4}", "us-west-2: {min: 0, max: 1}");
    assertThat(empty).isNotEqualTo(lab);
    Files.writeString(config, empty);
    int port = freePort();
    ClusterConfig c =
        ClusterConfig.lab(
            config,
            TopologyLoader.load(config),
            "us-west-2",
            new Endpoint("127.0.0.1", port),
            List.of(new Endpoint("127.0.0.1", freePort())),
            List.of(),
            null,
            List.of(),
            Map.of(),
            dir.resolve("logs"));
    assertThat(c.initialReplicas()).isZero();
    creds =
        AccessDirectory.create(
            dir.resolve("access"),
            List.of(new Principal("ann", Role.VIEWER), new Principal("oscar", Role.OPERATOR)));
    cluster =
        new RegionCluster(c, Clock.systemUTC())
            .secure(AccessList.read("--access-file", creds.accessList()), null, null);
    cluster.start();
    base = URI.create("http://127.0.0.1:" + port);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aViewerReadsTheViewAndAnOperatorSetsTheFloorNamingWhatIsWrong() throws Exception {
    assertThat(call("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/v1/cluster", null, null).statusCode()).isEqualTo(401);

    HttpResponse<String> view = call("GET", "/v1/cluster", "ann", null);
    assertThat(view.statusCode()).isEqualTo(200);
    assertThat(view.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode v = JSON.readTree(view.body());
    assertThat(v.path("region").asText()).isEqualTo("us-west-2");
    assertThat(v.path("max").asInt()).isEqualTo(1);
    assertThat(v.path("instances")).isEmpty();
    assertThat(JSON.readTree(call("GET", "/v1/prometheus-targets", "ann", null).body())).isEmpty();
    HttpResponse<String> metrics = call("GET", "/metrics", "ann", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("summit_lab_cluster_instances");

    HttpResponse<String> viewer = call("PUT", "/v1/scale", "ann", "{\"min\": 0}");
    assertThat(viewer.statusCode()).isEqualTo(403);

    for (String[] bad :
        List.of(
            new String[] {"{\"min\": 2}", "min: 2 (expected: 0..1)"},
            new String[] {"{\"min\": \"one\"}", "min: \"one\" (expected: an integer 0..1)"},
            new String[] {"{\"max\": 1}", "max: unknown field (expected: min)"},
            new String[] {"[0]", "body: not an object"},
            new String[] {"{", "body: not JSON"})) {
      HttpResponse<String> r = call("PUT", "/v1/scale", "oscar", bad[0]);
      assertThat(r.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(error(r)).as(bad[0]).startsWith(bad[1]);
    }
    HttpResponse<String> floor = call("PUT", "/v1/scale", "oscar", "{\"min\": 0}");
    assertThat(floor.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(floor.body()).path("min").asInt()).isZero();

    HttpResponse<String> zone = call("PUT", "/v1/zones/us-west-2b", "oscar", "{\"down\": true}");
    assertThat(zone.statusCode()).isEqualTo(404);
    assertThat(error(zone)).startsWith("zone: 'us-west-2b' (expected: one of the zones of");
    HttpResponse<String> badZone = call("PUT", "/v1/zones/us-west-2a", "oscar", "{\"up\": 1}");
    assertThat(badZone.statusCode()).isEqualTo(400);
    HttpResponse<String> down = call("PUT", "/v1/zones/us-west-2a", "oscar", "{\"down\": true}");
    assertThat(down.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(down.body()).path("zones_down").get(0).asText())
        .isEqualTo("us-west-2a");
  }

  @Test
  void anotherPathOrMethodIsAProblemNamingWhatIsServed() throws Exception {
    HttpResponse<String> missing = call("GET", "/v1/nothing", "ann", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(error(missing))
        .startsWith("path: /v1/nothing (expected: ")
        .contains("/v1/scale", "/v1/zones/{zone}");

    HttpResponse<String> wrongMethod = call("POST", "/v1/scale", "oscar", "{\"min\": 0}");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("PUT");
    assertThat(error(wrongMethod)).isEqualTo("method: POST /v1/scale (expected: PUT)");
  }

  @Test
  void aSecondClusterOnTheSameAddressSaysWhichAddressIsTaken() throws Exception {
    int port = base.getPort();
    Path config = dir.resolve("lab.yaml");
    ClusterConfig c =
        ClusterConfig.lab(
            config,
            TopologyLoader.load(config),
            "us-west-2",
            new Endpoint("127.0.0.1", port),
            List.of(new Endpoint("127.0.0.1", freePort())),
            List.of(),
            null,
            List.of(),
            Map.of(),
            dir.resolve("logs-2"));
    RegionCluster second = new RegionCluster(c, Clock.systemUTC());
    try {
      assertThatThrownBy(second::start)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("us-west-2 cluster: cannot listen on 127.0.0.1:" + port);
    } finally {
      second.close();
    }
  }

  private HttpResponse<String> call(
      String method, String path, @Nullable String caller, @Nullable String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (caller != null) {
      BearerToken token = creds.token(caller);
      token.sign(b);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body()).path("error").asText();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
