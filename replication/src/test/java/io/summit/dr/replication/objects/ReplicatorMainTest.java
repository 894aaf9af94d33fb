package io.summit.dr.replication.objects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.summit.dr.access.AccessDirectory;
import io.summit.dr.access.AccessList;
import io.summit.dr.access.ControlServer;
import io.summit.dr.access.Principal;
import io.summit.dr.access.Role;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.topology.ObjectRule;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicator's admin API over HTTP: one direction toward a peer whose S3 endpoint does not
 * answer (nothing replicates; the API still answers), with and without an access list.
 */
class ReplicatorMainTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  private @Nullable ControlServer server;
  private URI base = URI.create("http://127.0.0.1/");

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void serve(@Nullable AccessList access) throws IOException {
    Endpoint dead = new Endpoint("127.0.0.1", freePort());
    ObjectRule rule = new ObjectRule("b-{region}", "", false, false, 1024);
    ObjectReplicator direction =
        new ObjectReplicator(
            new ObjectReplicator.Side(
                "west", S3Clients.at(dead, Duration.ofSeconds(1)), rule.bucket("west")),
            new ObjectReplicator.Side(
                "east", S3Clients.at(dead, Duration.ofSeconds(1)), rule.bucket("east")),
            rule,
            Checkpoint.open(dir.resolve("checkpoint.log")),
            Clock.systemUTC());
    ReplicatorMain main =
        new ReplicatorMain(
            List.of(direction), Duration.ofMillis(50), Duration.ofSeconds(10), access);
    ControlServer s = main.serve(new Endpoint("127.0.0.1", freePort()), null);
    server = s;
    base = URI.create("http://127.0.0.1:" + s.port());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> call(String method, String path, @Nullable String auth, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String type(HttpResponse<String> r) {
    return r.headers().firstValue("Content-Type").orElse("");
  }

  @Test
  void servesItsFiguresAndTakesTheWritersNotifications() throws Exception {
    serve(null);

    HttpResponse<String> health = call("GET", "/healthz", null, "");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(type(health)).isEqualTo("text/plain");
    assertThat(health.body()).isEqualTo("ok\n");

    HttpResponse<String> status = call("GET", "/v1/status", null, "");
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(type(status)).isEqualTo("application/json");
    JsonNode directions = JSON.readTree(status.body()).path("directions");
    assertThat(directions).hasSize(1);
    assertThat(directions.get(0).path("source").asText()).isEqualTo("west");
    assertThat(directions.get(0).path("destination").asText()).isEqualTo("east");

    HttpResponse<String> queued =
        call("POST", "/v1/events", null, "{\"key\":\"entities/1.json\",\"written_at_ms\":1}");
    assertThat(queued.statusCode()).isEqualTo(202);
    assertThat(type(queued)).isEqualTo("text/plain");
    assertThat(queued.body()).isEqualTo("queued\n");

    HttpResponse<String> metrics = call("GET", "/metrics", null, "");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(type(metrics)).isEqualTo("text/plain; version=0.0.4");

    // the peer's bucket cannot be listed: 503 naming the key, as the query gave it
    HttpResponse<String> object = call("GET", "/v1/object?key=entities%2F1.json", null, "");
    assertThat(object.statusCode()).isEqualTo(503);
    assertThat(type(object)).isEqualTo("text/plain");
    assertThat(object.body()).startsWith("cannot list entities/1.json: ");

    assertThat(call("GET", "/v1/access-check", null, "").body()).isEqualTo("ok\n");
  }

  @Test
  void aBadRequestGetsA4xxNamingWhatWasExpected() throws Exception {
    serve(null);

    HttpResponse<String> notJson = call("POST", "/v1/events", null, "{\"key\":");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body())
        .isEqualTo("body: not JSON (expected: {\"key\": K, \"written_at_ms\": T})\n");
    HttpResponse<String> empty = call("POST", "/v1/events", null, "");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body())
        .isEqualTo("key: missing or not a string (expected: the object's key)\n");
    HttpResponse<String> at =
        call("POST", "/v1/events", null, "{\"key\":\"a\",\"written_at_ms\":\"soon\"}");
    assertThat(at.statusCode()).isEqualTo(400);
    assertThat(at.body()).isEqualTo("written_at_ms: \"soon\" (expected: epoch milliseconds)\n");
    HttpResponse<String> noKey = call("GET", "/v1/object", null, "");
    assertThat(noKey.statusCode()).isEqualTo(400);
    assertThat(noKey.body()).isEqualTo("key: missing (expected: /v1/object?key=KEY)\n");

    HttpResponse<String> method = call("GET", "/v1/events", null, "");
    assertThat(method.statusCode()).isEqualTo(405);
    assertThat(method.headers().firstValue("Allow")).contains("POST");
    assertThat(JSON.readTree(method.body()).path("detail").asText())
        .isEqualTo("method: GET /v1/events (expected: POST)");
    HttpResponse<String> path = call("GET", "/v1/nothing", null, "");
    assertThat(path.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(path.body()).path("detail").asText())
        .startsWith("path: /v1/nothing (expected: /healthz, /metrics, /v1/status");
  }

  @Test
  void withAnAccessListEveryRequestButTheLivenessProbeNeedsAListedCaller() throws Exception {
    AccessDirectory access =
        AccessDirectory.create(
            dir.resolve("access"), List.of(new Principal("viewer", Role.VIEWER)));
    serve(AccessList.read("--access-file", access.accessList()));

    assertThat(call("GET", "/healthz", null, "").statusCode()).isEqualTo(200);
    for (String[] request :
        new String[][] {
          {"GET", "/v1/status"},
          {"GET", "/metrics"},
          {"GET", "/v1/object?key=a"},
          {"POST", "/v1/events"},
          {"GET", "/v1/access-check"}
        }) {
      HttpResponse<String> refused = call(request[0], request[1], null, "{\"key\":\"a\"}");
      assertThat(refused.statusCode()).as(request[0] + " " + request[1]).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).isPresent();
    }
    assertThat(call("GET", "/v1/access-check", "Bearer not-a-listed-token", "").statusCode())
        .isEqualTo(401);

    String viewer = access.token("viewer").authorization();
    assertThat(call("GET", "/v1/access-check", viewer, "").statusCode()).isEqualTo(200);
    assertThat(call("GET", "/v1/status", viewer, "").statusCode()).isEqualTo(200);
    assertThat(call("POST", "/v1/events", viewer, "{\"key\":\"a\"}").statusCode()).isEqualTo(202);
  }
}
