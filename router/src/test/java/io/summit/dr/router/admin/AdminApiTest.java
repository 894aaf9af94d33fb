package io.summit.dr.router.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.router.Role;
import io.summit.dr.router.Router;
import io.summit.dr.router.RouterConfig;
import io.summit.dr.topology.TopologyLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String TOPOLOGY =
      """
      name: admin-test
      regions:
        - {name: us-west-2, role: primary, zones: [a]}
        - {name: us-east-1, role: secondary, zones: [a]}
      services:
        - name: api
          port: 4000
          replicas: {us-west-2: 1, us-east-1: 1}
          autoscaling: {us-west-2: {min: 1, max: 2}, us-east-1: {min: 1, max: 2}}
      stores: []
      objectives: {rpo: 1s, rto: 2s}
      """;

  private final Router router =
      Router.start(
          RouterConfig.of(
              TopologyLoader.parse("admin-test.yaml", TOPOLOGY),
              "api",
              Role.EDGE,
              null,
              new InetSocketAddress("127.0.0.1", 0),
              new InetSocketAddress("127.0.0.1", 0),
              Map.of()));

  @AfterEach
  void close() {
    router.close();
  }

  private HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + router.adminAddress().getPort() + path);
    return CLIENT.send(
        HttpRequest.newBuilder(uri)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode routing() throws Exception {
    return JSON.readTree(send("GET", "/v1/routing", "").body());
  }

  @Test
  void theRoutingTableShowsRegionsWriterAndInstances() throws Exception {
    send("PUT", "/v1/regions/us-east-1/instances", "{\"instances\":[\"127.0.0.1:1\"]}");

    JsonNode r = routing();

    assertThat(r.get("role").asText()).isEqualTo("edge");
    assertThat(r.get("writer").asText()).isEqualTo("us-west-2");
    JsonNode east = r.get("regions").get(1);
    assertThat(east.get("name").asText()).isEqualTo("us-east-1");
    assertThat(east.get("writer").asBoolean()).isFalse();
    assertThat(east.get("drained").asBoolean()).isFalse();
    assertThat(east.has("rtt_ms")).isTrue();
    JsonNode instance = east.get("instances").get(0);
    assertThat(instance.get("address").asText()).isEqualTo("127.0.0.1:1");
    assertThat(instance.has("healthy")).isTrue();
    assertThat(instance.get("ejected").asBoolean()).isFalse();
    assertThat(instance.get("in_flight").asInt()).isZero();
  }

  @Test
  void theWriterDrainAndInstancesChangeThroughTheApi() throws Exception {
    assertThat(send("PUT", "/v1/writer", "{\"region\":\"us-east-1\"}").statusCode()).isEqualTo(200);
    assertThat(router.table().writer()).isEqualTo("us-east-1");
    assertThat(send("PUT", "/v1/writer", "{\"region\":null}").statusCode()).isEqualTo(200);
    assertThat(router.table().writer()).isNull();

    assertThat(send("POST", "/v1/regions/us-west-2/drain", "").statusCode()).isEqualTo(200);
    assertThat(routing().get("regions").get(0).get("drained").asBoolean()).isTrue();
    assertThat(send("POST", "/v1/regions/us-west-2/undrain", "").statusCode()).isEqualTo(200);
    assertThat(routing().get("regions").get(0).get("drained").asBoolean()).isFalse();

    assertThat(
            send(
                    "PUT",
                    "/v1/regions/us-west-2/instances",
                    "{\"instances\":[\"127.0.0.1:1\",\"localhost:2\"]}")
                .statusCode())
        .isEqualTo(200);
    assertThat(routing().get("regions").get(0).get("instances")).hasSize(2);
  }

  @Test
  void anInstanceRegisteredWithAZoneShowsItAndOneWithoutShowsNone() throws Exception {
    HttpResponse<String> r =
        send(
            "PUT",
            "/v1/regions/us-west-2/instances",
            "{\"instances\":[{\"address\":\"127.0.0.1:1\",\"zone\":\"a\"},"
                + "\"127.0.0.1:2\",{\"address\":\"127.0.0.1:3\",\"zone\":null}]}");

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode west = routing().get("regions").get(0);
    assertThat(west.get("zones")).hasSize(1);
    assertThat(west.get("zones").get(0).asText()).isEqualTo("a");
    JsonNode instances = west.get("instances");
    assertThat(instances.get(0).get("zone").asText()).isEqualTo("a");
    assertThat(instances.get(1).get("zone").isNull()).isTrue();
    assertThat(instances.get(2).get("zone").isNull()).isTrue();
    assertThat(
            java.util.Objects.requireNonNull(router.table().region("us-west-2"))
                .instances()
                .get(0)
                .zone())
        .isEqualTo("a");
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PUT|/v1/writer|{\"region\":\"mars\"}|400|region: 'mars' is not a region",
        "PUT|/v1/writer|{\"region\":1}|400|region: 1",
        "PUT|/v1/writer|{}|400|region: missing",
        "PUT|/v1/writer|{\"region\":\"us-east-1\",\"force\":true}|400|force: unknown field",
        "PUT|/v1/writer|{\"region\":|400|body: not JSON",
        "PUT|/v1/writer|[\"us-east-1\"]|400|body: ARRAY",
        "PUT|/v1/writer|{\"region\":\"us-east-1\"} x|400|body: not JSON",
        "POST|/v1/writer|{\"region\":\"us-east-1\"}|405|method: POST /v1/writer (expected: PUT)",
        "POST|/v1/regions/mars/drain||404|region: 'mars' is not a region",
        "GET|/v1/regions/us-west-2/drain||405|method: GET",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[\"127.0.0.1\"]}|400|instances[0]:",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[\"h:99999\"]}|400|instances[0]:",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[\"h:1\",\"h:1\"]}|400|instances[1]: 'h:1' twice",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[1]}|400|instances[0]: 1",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":\"h:1\"}|400|instances: \"h:1\"",
        "PUT|/v1/regions/us-west-2/instances|{\"hosts\":[]}|400|hosts: unknown field",
        "PUT|/v1/regions/mars/instances|{\"instances\":[]}|404|region: 'mars'",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[{\"address\":\"h:1\",\"zone\":\"b\"}]}|400|instances[0].zone: 'b' is not a zone of us-west-2 (expected: one of a, or null)",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[\"h:1\",{\"address\":\"h:2\",\"zone\":\"us-east-1a\"}]}|400|instances[1].zone: 'us-east-1a'",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[{\"address\":\"h:1\",\"zone\":7}]}|400|instances[0].zone: 7 is not a zone",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[{\"address\":\"h:1\",\"zone\":\"\"}]}|400|instances[0].zone: ",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[{\"zone\":\"a\"}]}|400|instances[0].address: missing",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[{\"address\":\"h:1\",\"rack\":\"r1\"}]}|400|instances[0].rack: unknown field (expected: address, zone)",
        "PUT|/v1/regions/us-west-2/instances|{\"instances\":[{\"address\":\"h\",\"zone\":\"a\"}]}|400|instances[0]: 'h' (expected: host:port)",
        "GET|/v1/nothing||404|path: /v1/nothing (expected: /healthz, /metrics, /v1/routing, /v1/writer, /v1/regions/{region}/drain, /v1/regions/{region}/undrain, /v1/regions/{region}/instances)",
      })
  void aBadRequestGetsA4xxNamingTheFieldAndChangesNothing(
      String method, String path, String body, int status, String message) throws Exception {
    String before = routing().toString();

    HttpResponse<String> r = send(method, path, body == null ? "" : body);

    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(JSON.readTree(r.body()).get("status").asInt()).isEqualTo(status);
    assertThat(JSON.readTree(r.body()).get("error").asText()).contains(message);
    assertThat(routing().toString()).isEqualTo(before);
  }

  @Test
  void metricsAreInPrometheusTextFormat() throws Exception {
    HttpResponse<String> r = send("GET", "/metrics", "");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("summit_router_region_healthy{region=\"us-west-2\"}")
        .contains("summit_router_region_writer{region=\"us-west-2\"} 1.0");
  }
}
